// The nginx configurations this project runs, written in one place: the bench's
// nginx columns (bench/lib/servers.mjs), its simplehttp-via-nginx column
// (bench/via-nginx.mjs) and the deployment tests (tests/deploy). The proxy
// block is the README's "Deploying" one; tests/deploy checks that the README
// prints what proxyToSimplehttp() writes.
import fs from 'node:fs';
import path from 'node:path';

/**
 * A whole nginx.conf that keeps every file under `dir` (pid, error log, temp
 * paths), so it runs unprivileged and leaves nothing behind: one worker, not
 * daemonized, as root only when the caller is root.
 * @param {{ dir: string, comment: string, masterProcess?: boolean, http: string }} o
 *   `http`: the `http` block's directives, indented by four spaces.
 * @returns {string}
 */
export function nginxConf({ dir, comment, masterProcess = true, http }) {
  /** @param {string} name */
  const at = (name) => path.join(dir, name);
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => {
    fs.mkdirSync(at(`${t}_temp`), { recursive: true });
    return `    ${t}_temp_path ${at(`${t}_temp`)};`;
  });
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return `# ${comment}
${isRoot ? 'user root;\n' : ''}worker_processes 1;
daemon off;
master_process ${masterProcess ? 'on' : 'off'};
pid ${at('nginx.pid')};
error_log ${at('error.log')};
events {
    worker_connections 1024;
}
http {
${temps.join('\n')}
${http.replace(/\n$/, '')}
}
`;
}

/**
 * The README's "Deploying" proxy: an upstream of simplehttp instances on
 * loopback, kept-alive connections to them, the client's address and scheme
 * passed on, and a request that meets a draining or restarting instance sent
 * to the next (`max_fails=0`: an instance is never marked down for it).
 * Indented by four spaces, as the README prints it.
 * @param {{ listen: number | string, upstreams: number[], keepalive?: number }} o
 * @returns {string}
 */
export function proxyToSimplehttp({ listen, upstreams, keepalive = 16 }) {
  return `upstream simplehttp {
${upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=0;`).join('\n')}
    keepalive ${keepalive};
}
server {
    listen ${listen};
    location / {
        proxy_pass http://simplehttp;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_next_upstream error timeout http_502 http_503;
        proxy_next_upstream_tries 3;
    }
}
`;
}

/**
 * Indents every non-empty line of `text` by four spaces (a block inside `http`).
 * @param {string} text
 * @returns {string}
 */
export function indent(text) {
  return text.replace(/^(?=.)/gm, '    ');
}
