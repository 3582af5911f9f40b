/** The command line's usage line and help text (argparse's layout). */

export const USAGE =
  "usage: simplehttp [-h] [--version] [--cgi] [--cgi-max N] [-b ADDRESS] [-d DIRECTORY]\n" +
  "                  [-p VERSION]\n" +
  "                  [-H HEADER [VALUE]] [--cors] [--isolate] [--no-compress]\n" +
  "                  [--dotfiles {allow,deny}] [--no-listing] [--no-follow-links]\n" +
  "                  [--spa | --fallback FILE] [-o] [--qr] [--log-format {python,combined,json}]\n" +
  "                  [--tls-cert PATH] [--tls-key PATH] [--tls-password-file PATH]\n" +
  "                  [--workers N] [--trusted-proxy CIDR] [--proxy-protocol]\n" +
  "                  [--drain-timeout SECONDS] [-q] [port]";

export const HELP = `${USAGE}

Serve the files of a directory over HTTP, like python -m http.server.

positional arguments:
  port                  bind to this port (default: $PORT or 8000)

options:
  -h, --help            show this help message and exit
  --version             show the version and exit
  --cgi                 run as CGI server (scripts under /cgi-bin and /htbin)
  --cgi-max N           most CGI scripts running at once per process; more
                        get 503 with Retry-After (default: 4 per core, at
                        least 8)
  -b, --bind ADDRESS    bind to this address (default: all interfaces)
  -d, --directory DIRECTORY
                        serve this directory (default: current directory)
  -p, --protocol VERSION
                        conform to this HTTP version (default: HTTP/1.1;
                        HTTP/1.0 behaves exactly as Python's default)
  -H, --header HEADER [VALUE]
                        add a header to every response: "Name: value", or
                        Name value as Python 3.15 takes it (repeatable)
  --cors                let pages on any origin fetch from this server
                        (Access-Control-Allow-Origin: *, preflights answered)
  --isolate             cross-origin isolation for SharedArrayBuffer and WASM
                        threads (Cross-Origin-Opener-Policy: same-origin,
                        Cross-Origin-Embedder-Policy: require-corp,
                        Cross-Origin-Resource-Policy: same-origin)
  --dotfiles {allow,deny}
                        serve names starting with a dot (.env, .git/)? default:
                        deny (404, not listed; .well-known is always served);
                        allow with -p HTTP/1.0, as Python
  --no-listing          answer 404 for a directory without an index page
  --no-follow-links     answer 404 for what a symbolic link leads to outside
                        the folder
  --spa                 serve index.html for missing paths without an
                        extension (a single-page app's routes)
  --fallback FILE       serve FILE (under the folder) for those instead
  -o, --open            open the default browser on the served URL
  --qr                  print a QR code of the network URL
  --log-format {python,combined,json}
                        request log lines: Python's (default), combined
                        (nginx/Apache) or JSON
  --no-compress         never send brotli or gzip, not even precompressed
                        .br/.gz files (default: compressible files are
                        compressed for clients that accept it)
  --tls-cert PATH       path to the TLS certificate chain file
  --tls-key PATH        path to the TLS key file
  --tls-password-file PATH
                        path to the password file for the TLS key
  --workers N           serve from N processes sharing the port ("auto": one
                        per core; default 1)
  --trusted-proxy CIDR  believe Forwarded / X-Forwarded-For(-Proto) from
                        these proxies (an address, a range, or loopback;
                        repeatable): logs, CGI and handlers see the client
  --proxy-protocol      every connection starts with a PROXY protocol header
                        (v1 or v2, as HAProxy send-proxy sends); others are
                        closed. Let only the load balancer reach the port
  --drain-timeout SECONDS
                        on SIGTERM, how long responses in progress may take
                        to finish (default 10)
  -q, --quiet           do not log requests`;

