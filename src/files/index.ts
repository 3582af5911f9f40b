/**
 * `simplehttp/files`: the file-serving decisions of SimpleHTTPRequestHandler,
 * small and pure where they can be (path translation, the response plan,
 * media types, conditional requests, the listing page, file-name
 * bytes), and the body sources and caches it uses.
 * @module
 */
export { planFileResponse, type FilePlan, type FileRequest, type StatLike } from "./file-plan.js";
export { translatePath, normpath, joinPath } from "./translate-path.js";
export { splitTarget, type TargetParts } from "./split-target.js";
export { guessType, extensionOf, MIME_BY_EXTENSION, DEFAULT_EXTENSIONS_MAP } from "./guess-type.js";
export { isNotModified, type ConditionalHeaders } from "./not-modified.js";
export { renderDirectoryListing, sortEntries, type ListingEntry } from "./directory-listing.js";
export { readListingEntries } from "./listing-entries.js";
export { fsDecode, fsEncode } from "./fs-encoding.js";
export { BufferSource, FileSource, type BodySource } from "./body-source.js";
export { FileCache, defaultFileCache, type FileCacheLimits } from "./file-cache.js";
export { ListingCache, defaultListingCache } from "./listing-cache.js";
