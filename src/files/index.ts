/**
 * `simplehttp/files`: the file-serving decisions of SimpleHTTPRequestHandler,
 * small and pure where they can be (path translation, the response plan,
 * media types, validators and conditional requests, ranges, content-coding
 * negotiation, the listing pages (CPython's and the rich one), the sharing
 * rules (dotfiles, links, fallback), file-name bytes), and the body sources and
 * caches it uses.
 * @module
 */
export { planFileResponse, isDotPath, hasExtension, type FilePlan, type FileRequest, type SiteRules, type StatLike } from "./file-plan.js";
export { confinedPath, readNotFoundPage } from "./site-files.js";
export { translatePath, normpath, joinPath } from "./translate-path.js";
export { splitTarget, type TargetParts } from "./split-target.js";
export {
  planContent,
  encodingOffers,
  COMPRESS_MIN_SIZE,
  CODINGS,
  type ContentPlan,
  type ContentStat,
  type EncodingOffer,
  type RequestFields,
} from "./content-plan.js";
export { guessType, withCharset, isCompressible, extensionOf, MIME_BY_EXTENSION, DEFAULT_EXTENSIONS_MAP } from "./guess-type.js";
export { isNotModified, type ConditionalHeaders } from "./not-modified.js";
export { makeETag, parseETagList, strongMatch, weakMatch, type EntityTag } from "./etag.js";
export { evaluatePreconditions, ifRangeAllows, type PreconditionOutcome, type RequestConditions, type Validators } from "./preconditions.js";
export { parseRange, DEFAULT_RANGE_LIMITS, type ByteRange, type RangeDecision, type RangeLimits } from "./byte-ranges.js";
export { planMultipart, newBoundary, type MultipartPart, type MultipartPlan } from "./multipart-byteranges.js";
export { negotiateEncoding, parseAcceptEncoding } from "./accept-encoding.js";
export { renderDirectoryListing, sortEntries, type ListingEntry } from "./directory-listing.js";
export { readListingEntries, readRichListingEntries } from "./listing-entries.js";
export { renderRichListing, renderJsonListing, sortRichEntries, formatSize, entryKind, type RichListingEntry, type RichListingContext } from "./rich-listing.js";
export { listingView, acceptsJsonFirst, DEFAULT_VIEW, type ListingView, type ListingSortKey } from "./listing-query.js";
export { fsDecode, fsEncode } from "./fs-encoding.js";
export { BufferSource, FileSource, type BodySource } from "./body-source.js";
export { RangeSource, type Segment } from "./range-source.js";
export { StreamSource, compressedFile } from "./stream-source.js";
export { EncodedCache, defaultEncodedCache, compressBuffer, BROTLI_QUALITY, GZIP_LEVEL } from "./encoded-cache.js";
export { FileCache, defaultFileCache, type FileCacheLimits } from "./file-cache.js";
export { StatCache, defaultStatCache, type StatCacheLimits } from "./stat-cache.js";
export { ListingCache, defaultListingCache } from "./listing-cache.js";
