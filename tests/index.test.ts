// The public face: exactly these names at the root and at each subpath, and the
// subpaths resolved through package.json's `exports` (the package imports
// itself by name, as a user's code does), nothing else reachable.
import { describe, it } from "node:test";
import assert from "node:assert/strict";

const ROOT_NAMES = [
  "BaseHTTPRequestHandler",
  "BodyTooLargeError",
  "BufferSource",
  "CGIHTTPRequestHandler",
  "ConnectionClosedError",
  "ConnectionTimeoutError",
  "DEFAULT_ERROR_CONTENT_TYPE",
  "DEFAULT_ERROR_MESSAGE",
  "FileSource",
  "HTTPSServer",
  "HTTPServer",
  "HeaderMap",
  "HttpParseError",
  "RequestBody",
  "ResponseWriter",
  "SimpleHTTPRequestHandler",
  "TLSConfigError",
  "ThreadingHTTPSServer",
  "ThreadingHTTPServer",
];

const WIRE_NAMES = [
  "ChunkedDecoder",
  "DEFAULT_HEAD_LIMITS",
  "HTTP_1_1",
  "HeaderMap",
  "HttpParseError",
  "RESPONSES",
  "RequestHeadParser",
  "currentHttpDate",
  "decideBodyFraming",
  "decideResponseFraming",
  "formatHttpDate",
  "formatLogDate",
  "isFieldValue",
  "isToken",
  "parseHeaderLine",
  "parseHttpDate",
  "parseRequestLine",
  "persists",
  "requestPath",
  "versionNumber",
];

const FILES_NAMES = [
  "DEFAULT_VIEW",
  "acceptsJsonFirst",
  "confinedPath",
  "entryKind",
  "formatSize",
  "hasExtension",
  "isDotPath",
  "listingView",
  "readNotFoundPage",
  "readRichListingEntries",
  "renderJsonListing",
  "renderRichListing",
  "sortRichEntries",
  "BROTLI_QUALITY",
  "BufferSource",
  "CODINGS",
  "COMPRESS_MIN_SIZE",
  "DEFAULT_EXTENSIONS_MAP",
  "DEFAULT_RANGE_LIMITS",
  "EncodedCache",
  "FileCache",
  "FileSource",
  "GZIP_LEVEL",
  "ListingCache",
  "MIME_BY_EXTENSION",
  "RangeSource",
  "StatCache",
  "StreamSource",
  "compressBuffer",
  "compressedFile",
  "defaultEncodedCache",
  "defaultFileCache",
  "defaultListingCache",
  "defaultStatCache",
  "encodingOffers",
  "evaluatePreconditions",
  "extensionOf",
  "fsDecode",
  "fsEncode",
  "guessType",
  "ifRangeAllows",
  "isCompressible",
  "isNotModified",
  "joinPath",
  "makeETag",
  "negotiateEncoding",
  "newBoundary",
  "normpath",
  "parseAcceptEncoding",
  "parseETagList",
  "parseRange",
  "planContent",
  "planFileResponse",
  "planMultipart",
  "readListingEntries",
  "renderDirectoryListing",
  "sortEntries",
  "splitTarget",
  "strongMatch",
  "translatePath",
  "weakMatch",
  "withCharset",
];

const CGI_NAMES = [
  "CgiResponseParser",
  "DEFAULT_CGI_HEADER_LIMITS",
  "authVariables",
  "buildCgiEnvironment",
  "headerValueForEnv",
  "isPythonScriptName",
  "locateCgiScript",
  "queryArguments",
  "urlCollapsePath",
];

const PYTHON_NAMES = [
  "DEFAULT_ERROR_CONTENT_TYPE",
  "DEFAULT_ERROR_MESSAGE",
  "escapeHtml",
  "pyExceptionRepr",
  "pyFormat",
  "pyRepr",
  "quote",
  "renderErrorPage",
  "unquote",
];

async function names(specifier: string): Promise<string[]> {
  return Object.keys((await import(specifier)) as object).sort();
}

describe("the public face", () => {
  it("the root exports CPython's classes and what a subclass needs, nothing else", async () => {
    assert.deepEqual(await names("simplehttp"), [...ROOT_NAMES].sort());
  });

  it("simplehttp/wire exports the wire format's building blocks", async () => {
    assert.deepEqual(await names("simplehttp/wire"), [...WIRE_NAMES].sort());
  });

  it("simplehttp/files exports the file-serving building blocks", async () => {
    assert.deepEqual(await names("simplehttp/files"), [...FILES_NAMES].sort());
  });

  it("simplehttp/cgi exports the CGI building blocks", async () => {
    assert.deepEqual(await names("simplehttp/cgi"), [...CGI_NAMES].sort());
  });

  it("simplehttp/python exports the CPython behaviours it reproduces", async () => {
    assert.deepEqual(await names("simplehttp/python"), [...PYTHON_NAMES].sort());
  });

  it("the root and the subpaths hand out the same class objects", async () => {
    const root = (await import("simplehttp")) as Record<string, unknown>;
    const wire = (await import("simplehttp/wire")) as Record<string, unknown>;
    const files = (await import("simplehttp/files")) as Record<string, unknown>;
    assert.equal(root["HeaderMap"], wire["HeaderMap"]);
    assert.equal(root["HttpParseError"], wire["HttpParseError"]);
    assert.equal(root["BufferSource"], files["BufferSource"]);
  });

  for (const deep of ["simplehttp/dist/server/socket-reader.js", "simplehttp/server", "simplehttp/handlers", "simplehttp/cli"]) {
    it(`does not let ${deep} be imported (ERR_PACKAGE_PATH_NOT_EXPORTED)`, async () => {
      await assert.rejects(import(deep), (err: NodeJS.ErrnoException) => err.code === "ERR_PACKAGE_PATH_NOT_EXPORTED");
    });
  }
});
