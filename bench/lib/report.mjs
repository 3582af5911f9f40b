// Markdown rendering of a results object (see run.mjs for its shape).

const int = (n) => Math.round(n).toLocaleString('en-US');

export function fmtMs(ms) {
  if (ms == null || !Number.isFinite(ms)) return '?';
  if (ms < 1) return ms.toFixed(2);
  if (ms < 10) return ms.toFixed(1);
  return Math.round(ms).toString();
}

function fmtNumber(cell, v) {
  if (cell.metric === 'mibps') return v >= 100 ? int(v) : v.toFixed(1);
  return int(v);
}

function fmtMetric(cell, r) {
  if (cell.metric === 'mibps') return `${fmtNumber(cell, r.mibps)} MiB/s`;
  return fmtNumber(cell, r.rps);
}

function errorText(r) {
  const e = r.errors ?? {};
  const parts = ['connect', 'read', 'write', 'timeout'].filter((k) => e[k] > 0).map((k) => `${k} ${e[k]}`);
  if (r.non2xx3xx > 0) parts.push(`non-2xx/3xx ${r.non2xx3xx}`);
  return parts.length ? ` ⚠ ${parts.join(', ')}` : '';
}

/** spread: also show (min–max) of all runs after the median (when rounds × runs > 1, or this cell has several runs: several starts). */
export function cellText(cellDef, c, spread = false) {
  spread ||= (c?.runs?.length ?? 0) > 1;
  if (!c) return '—';
  if (c.status === 'ok') {
    const r = c.median;
    const marks = c.marks?.length ? ` ${c.marks.join(' ')}` : '';
    const range = spread && c.min != null && c.max != null ? ` (${fmtNumber(cellDef, c.min)}–${fmtNumber(cellDef, c.max)})` : '';
    return `${fmtMetric(cellDef, r)}${range} (p50 ${fmtMs(r.p50ms)}, p99 ${fmtMs(r.p99ms)} ms)${errorText(r)}${marks}`;
  }
  return c.status;
}

const mib = (kib) => (kib / 1024).toFixed(1);

export function rssText(s) {
  const range = s.rssMinKiB != null && s.rssMaxKiB != null ? ` (${mib(s.rssMinKiB)}–${mib(s.rssMaxKiB)})` : '';
  return s.rssKiB ? `${mib(s.rssKiB)} MiB${range}${s.rssPids > 1 ? ` (${s.rssPids} procs)` : ''}` : '—';
}

function metricValue(cellDef, c) {
  if (!c || c.status !== 'ok') return null;
  return cellDef.metric === 'mibps' ? c.median.mibps : c.median.rps;
}

function ratio(x) {
  return `${x >= 0.1 ? x.toFixed(2) : x.toPrecision(2)}x`;
}

// One line per cell: simplehttp's median over simplehttp-baseline's median.
function baselineRatioLines(results, cells) {
  const b = results.baseline;
  const cur = results.servers.find((s) => s.name === 'simplehttp');
  const base = results.servers.find((s) => s.name === 'simplehttp-baseline');
  const head = `Ratio simplehttp / simplehttp-baseline (median ÷ median; above 1 = this checkout is faster${results.options.cells.includes('f') ? ', for f below 1 = leaner' : ''}; baseline ${b.dir}${b.commit ? ` @ ${b.commit}` : ''}):`;
  const why = (s, name) => (!s ? `${name} not measured` : s.status !== 'ok' ? `${name} ${s.status}` : null);
  const missing = why(cur, 'simplehttp') ?? why(base, 'simplehttp-baseline');
  if (missing) return [head, '', `- no ratios: ${missing}`];
  const lines = cells.map((cd) => {
    const v = metricValue(cd, cur.cells[cd.id]);
    const w = metricValue(cd, base.cells[cd.id]);
    const text = v != null && w ? (v / w).toPrecision(3) : `— (simplehttp ${cur.cells[cd.id]?.status ?? 'not run'}, simplehttp-baseline ${base.cells[cd.id]?.status ?? 'not run'})`;
    return `- ratio simplehttp / simplehttp-baseline, ${cd.title}: ${text}`;
  });
  if (results.options.cells.includes('f')) {
    lines.push(`- ratio simplehttp / simplehttp-baseline, f. RSS after load: ${cur.rssKiB && base.rssKiB ? (cur.rssKiB / base.rssKiB).toPrecision(3) : '—'}`);
  }
  return [head, '', ...lines];
}

/** What a server answered in a cell's check (cells g, h, i), for the notes; null if nothing to say. */
export function answerText(cellDef, c) {
  const a = c?.answer;
  if (!a || (c.status !== 'ok' && !cellDef.answerMark)) return null;
  if (cellDef.prepare === 'etag') return c.status === 'ok' && a.etag ? `ETag ${a.etag}` : null;
  if (!cellDef.answerMark) return null;
  const all = c.answers ?? [a];
  return all
    .map((x) => `answered ${x.status}${x.contentEncoding === 'identity' ? ' identity' : ` Content-Encoding ${x.contentEncoding}`}, ${int(x.bodyBytes)}-byte body${x.decodedBytes != null ? ` (${int(x.decodedBytes)} decoded)` : ''}${x.note ? ` (${x.note})` : ''}`)
    .join(' / ');
}

function table(header, rows) {
  const line = (cols) => `| ${cols.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function ratioTable(results, cells, baseName, label) {
  const base = results.servers.find((s) => s.name === baseName);
  if (!base || base.status !== 'ok') return `_${baseName} was not measured, so no ratios against it._`;
  const servers = results.servers.filter((s) => s.status === 'ok');
  const rows = cells.map((cd) => {
    const b = metricValue(cd, base.cells[cd.id]);
    return [cd.title].concat(
      servers.map((s) => {
        const v = metricValue(cd, s.cells[cd.id]);
        return b && v != null ? ratio(v / b) : '—';
      }),
    );
  });
  if (results.options.cells.includes('f')) {
    rows.push(
      ['f. RSS after load (lower = leaner)'].concat(
        servers.map((s) => (s.rssKiB && base.rssKiB ? ratio(s.rssKiB / base.rssKiB) : '—')),
      ),
    );
  }
  return `${label}\n\n${table(['scenario'].concat(servers.map((s) => s.name)), rows)}`;
}

export function renderMarkdown(results, cellDefs) {
  const m = results.machine;
  const o = results.options;
  const loadCells = cellDefs.filter((c) => c.id !== 'f' && o.cells.includes(c.id));
  const shown = results.servers.filter((s) => s.status === 'ok');
  const out = [];
  out.push(`# simplehttp benchmark, ${results.startedAt}`);
  out.push('');
  out.push(`Command: \`${results.command}\``);
  out.push('');
  out.push(
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memGiB} GiB RAM, ${m.os}; Node ${m.node}; ` +
      `${m.versions.map(([k, v]) => `${k} ${v}`).join(', ')}.`,
  );
  out.push('');
  const rounds = o.rounds ?? 1;
  const spread = rounds * o.runs > 1;
  const starts = o.starts ?? 1;
  const startsText = starts > 1 ? `; every simplehttp column and the canned Node responders are started ${starts} times${rounds > 1 ? ' in each round' : ''} (a new process each time) and their cells take the median over all their starts, with (min–max)` : '';
  const runsText =
    rounds > 1
      ? `median of ${rounds * o.runs} runs (${rounds} rounds × ${o.runs === 1 ? '1 run' : `${o.runs} runs`}: every server in column order, then all of them again, each started afresh every round)`
      : o.runs === 1
        ? '1 run'
        : `median of ${o.runs} runs`;
  out.push(
    `Load: ${results.loadgen.description}; ${o.duration} s per cell, ${runsText}${startsText}; ` +
      `${m.pinning}. Each server is started alone, checked with one real GET per URL, measured, and stopped before the next one starts.`,
  );
  out.push('');
  if (shown.length) {
    const rows = loadCells.map((cd) => [cd.title].concat(shown.map((s) => cellText(cd, s.cells[cd.id], spread))));
    if (o.cells.includes('f')) rows.push(['f. RSS after load (VmRSS, summed over workers)'].concat(shown.map(rssText)));
    out.push(table(['scenario'].concat(shown.map((s) => s.name)), rows));
    out.push('');
    if (results.baseline?.measured) {
      out.push(...baselineRatioLines(results, loadCells));
      out.push('');
    }
    out.push(
      spread
        ? `Cells: median requests/s (or MiB/s for d) over all ${rounds * o.runs} runs, then (min–max) of those runs${rounds > 1 && o.cells.includes('f') ? ' (for f: median and range over the rounds)' : ''}, with p50/p99 latency of the median run; ⚠ lists socket errors and non-2xx/3xx responses reported by the load generator.`
        : `Cells: requests/s (or MiB/s for d)${(o.starts ?? 1) > 1 ? ', for a column started several times the median over its starts then (min–max),' : ''} with p50/p99 latency; ⚠ lists socket errors and non-2xx/3xx responses reported by the load generator.`,
    );
    out.push(
      'Marks: `(closes)` = the server closed a keep-alive connection after the response (HTTP/1.0), so that cell reconnects per request; ' +
        '`(kept alive)` = the server ignored `Connection: close`, so cell b did not open a new connection per request; ' +
        '`(closes unannounced)` = the server closed after the response without sending `Connection: close` (as Python does in HTTP/1.1 mode), which wrk counts as one read error per request. ' +
        '`(busy machine: …)` = processes other than the server, the load generator and this script used that much CPU (from /proc/stat) during the cell. ' +
        '`[identity]`, `[gzip 13,803 B]` (cells h, i) = the Content-Encoding the server answered in the check and, when compressed, the body size as sent. ' +
        '`none` = the server does not offer that feature (g: its 200 response had no ETag); `n/a` = the cell does not apply (canned responders serve only the 1 KiB and 100 KiB files); `failed check` = the one real request before the load got the wrong answer (the reason is in the notes).',
    );
    out.push('');
    out.push(ratioTable(results, loadCells, 'nginx-1w', '## Ratio vs nginx-1w (server ÷ nginx-1w; above 1.00x = faster than nginx-1w)'));
    out.push('');
    out.push(ratioTable(results, loadCells, 'simplehttp', '## Ratio vs simplehttp (server ÷ simplehttp; above 1.00x = faster than simplehttp)'));
    out.push('');
  } else {
    out.push('_No server was measured._');
    out.push('');
  }
  out.push('## Notes');
  out.push('');
  for (const n of results.notes) out.push(`- ${n}`);
  for (const s of results.servers) {
    if (s.status !== 'ok') {
      out.push(`- **${s.name}**: ${s.status}: ${s.note}`);
      continue;
    }
    const problems = Object.entries(s.cells)
      .filter(([, c]) => c.reason)
      .map(([id, c]) => (c.status === 'ok' ? `${id}: ${c.reason}` : `${id}: ${c.status}: ${c.reason}`));
    // What it answered where that matters (ETag in g, Content-Encoding and size in h and i).
    for (const cd of cellDefs) {
      const t = answerText(cd, s.cells[cd.id]);
      if (t && s.cells[cd.id].status === 'ok') problems.push(`${cd.id}: ${t}`);
    }
    if (s.note) problems.unshift(s.note); // rounds that failed while others were measured
    out.push(`- **${s.name}**${s.version ? ` (${s.version})` : ''}: \`${s.flags}\`${problems.length ? `; ${problems.join('; ')}` : ''}`);
  }
  out.push('');
  out.push('Scenarios:');
  out.push('');
  for (const cd of cellDefs.filter((c) => o.cells.includes(c.id))) out.push(`- ${cd.title}: ${cd.describe}`);
  out.push('');
  return out.join('\n');
}
