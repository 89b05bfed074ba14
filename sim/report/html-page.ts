/** The self-contained HTML shell of a report: inline CSS only, no scripts, no web fonts. */
import { escapeHtml } from './escape-html.ts';

export function htmlPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** A table from pre-escaped cell HTML; `numeric` columns are right-aligned with tabular figures. */
export function htmlTable(headers: readonly string[], rows: readonly (readonly string[])[], numeric: readonly boolean[] = [], rowClasses: readonly string[] = []): string {
  const cls = (i: number): string => (numeric[i] ? ' class="num"' : '');
  const rowCls = (i: number): string => (rowClasses[i] ? ` class="${escapeHtml(rowClasses[i])}"` : '');
  const head = headers.map((h, i) => `<th${cls(i)}>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r, ri) => `<tr${rowCls(ri)}>${r.map((c, i) => `<td${cls(i)}>${c}</td>`).join('')}</tr>`).join('\n');
  return `<div class="table-wrap"><table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}

export function figure(caption: string, svg: string, note = ''): string {
  const noteHtml = note ? `<p class="note">${escapeHtml(note)}</p>` : '';
  return `<figure>\n<figcaption>${escapeHtml(caption)}</figcaption>\n${svg}\n${noteHtml}</figure>`;
}

export function badge(pass: boolean): string {
  return pass ? '<span class="badge pass">PASS</span>' : '<span class="badge fail">FAIL</span>';
}

const PAGE_CSS = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg-soft:#f6f8fa;--pass:#1a7f37;--fail:#cf222e}
*{box-sizing:border-box}
body{margin:0;color:var(--fg);background:#fff;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
main{max-width:1040px;margin:0 auto;padding:32px 28px 64px}
h1{font-size:28px;margin:0 0 4px}
h2{font-size:21px;margin:40px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:17px;margin:28px 0 10px}
.sub{color:var(--muted);margin:0 0 16px}
.facts{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0 0;padding:0;list-style:none}
.facts li{background:var(--bg-soft);border:1px solid var(--line);border-radius:999px;padding:2px 12px;font-size:13px}
.verdict{margin:20px 0;padding:14px 18px;border-radius:8px;font-weight:600}
.verdict.pass{background:#dafbe1;color:var(--pass);border:1px solid #aceebb}
.verdict.fail{background:#ffebe9;color:var(--fail);border:1px solid #ffcecb}
.table-wrap{overflow-x:auto;margin:8px 0 16px}
table{border-collapse:collapse;width:100%;font-size:13.5px}
th,td{padding:6px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
td.num,td:first-child{white-space:nowrap}
th{background:var(--bg-soft);font-weight:600}
tbody tr:nth-child(even){background:#fbfcfd}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;min-width:44px;text-align:center;border-radius:4px;padding:0 6px;font-size:12px;font-weight:700;color:#fff}
.badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}
figure{margin:20px 0 28px;padding:14px 14px 6px;border:1px solid var(--line);border-radius:8px}
figcaption{font-weight:600;margin:0 0 6px}
figure svg{display:block;width:100%;height:auto}
.note{color:var(--muted);font-size:13px;margin:4px 0 8px}
.kv{display:grid;grid-template-columns:repeat(3,1fr);gap:10px;margin:10px 0 16px}
.kv div{background:var(--bg-soft);border:1px solid var(--line);border-radius:6px;padding:8px 12px}
.kv b{display:block;font-size:18px}.kv span{color:var(--muted);font-size:12.5px}
pre{background:var(--bg-soft);border:1px solid var(--line);border-radius:6px;padding:10px;overflow-x:auto;font-size:12px}
.ok{color:var(--pass);font-weight:600}.bad{color:var(--fail);font-weight:600}
tr.best td{background:#dafbe1}
.nowrap{white-space:nowrap}
`;
