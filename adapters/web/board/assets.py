"""The board's only stylesheet and script, served from `/review/assets/` (the CSP allows
nothing inline). The script does one thing: a transcript timestamp seeks its player."""

from __future__ import annotations

BOARD_JS = """\
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.seek");
  if (!button) { return; }
  var player = document.getElementById(button.dataset.player);
  if (!player) { return; }
  player.currentTime = parseFloat(button.dataset.t) || 0;
  player.play();
});
"""

BOARD_ICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
              '<rect width="16" height="16" rx="3" fill="#1d2430"/>'
              '<path d="M4 8.5l2.5 2.5L12 5" stroke="#fff" stroke-width="2" fill="none"/></svg>')

BOARD_CSS = """\
:root { --ink: #1d2430; --muted: #5b6675; --line: #d9dee5; --bg: #f5f6f8; --card: #fff;
  --accent: #2456c9; --warn: #8a4b00; --warn-bg: #fff3df; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: var(--ink); background: var(--bg); }
header.top { display: flex; justify-content: space-between; align-items: center;
  padding: 10px 24px; background: var(--ink); color: #fff; }
header.top a.brand { color: #fff; font-weight: 600; text-decoration: none; }
.who { display: flex; gap: 12px; align-items: center; margin: 0; font-size: 14px; }
button.link { background: none; border: 0; color: #cfe0ff; text-decoration: underline;
  cursor: pointer; font: inherit; padding: 0; }
main { max-width: 1240px; margin: 0 auto; padding: 16px 24px 40px; }
h1 { font-size: 24px; margin: 8px 0 4px; }
h2 { font-size: 17px; margin: 0 0 8px; }
h3 { font-size: 13px; margin: 10px 0 6px; color: var(--muted); font-weight: 600; }
.facts, .meta, .hint, .empty { color: var(--muted); margin: 0 0 12px; }
.meta { font-size: 13px; margin-bottom: 4px; }
.progress { font-weight: 600; color: var(--ink); }
.flash { background: #e7f4ea; border: 1px solid #9bcfa6; padding: 8px 12px;
  border-radius: 6px; }
.cols { display: grid; grid-template-columns: minmax(0, 1fr) 440px; gap: 20px;
  align-items: start; }
@media (max-width: 900px) { .cols { grid-template-columns: 1fr; } }
.answer, .card, .notice { background: var(--card); border: 1px solid var(--line);
  border-radius: 8px; padding: 14px 16px; margin-bottom: 14px; }
.notice { max-width: 560px; margin: 40px auto; }
.panel { position: sticky; top: 12px; max-height: calc(100vh - 24px); overflow-y: auto; }
audio, video { display: block; width: 100%; max-height: 240px; margin: 4px 0 8px;
  background: #000; border-radius: 6px; }
audio { background: none; }
ol.transcript { list-style: none; padding: 0; margin: 0; }
ol.transcript li { display: flex; gap: 8px; align-items: baseline; padding: 2px 0; }
button.seek { font: 12px/1.6 ui-monospace, monospace; border: 1px solid var(--line);
  background: #eef2fb; color: var(--accent); border-radius: 4px; padding: 0 6px;
  cursor: pointer; flex: none; }
.text-answer { white-space: pre-wrap; margin: 0; }
fieldset.sheet { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 8px;
  padding: 4px 10px 6px; }
legend { font-weight: 600; padding: 0 4px; }
.dim { display: flex; align-items: center; gap: 4px; padding: 2px 0; }
.dname { flex: 1; font-size: 14px; }
.dim label { display: inline-flex; }
.dim input { position: absolute; opacity: 0; width: 1px; height: 1px; }
.dim span { display: inline-block; width: 30px; text-align: center; border: 1px solid
  var(--line); border-radius: 4px; padding: 2px 0; cursor: pointer; background: #fff; }
.dim input:checked + span { background: var(--accent); color: #fff; border-color:
  var(--accent); font-weight: 700; }
.dim input:focus-visible + span, button:focus-visible, a:focus-visible,
textarea:focus-visible, .choices input:focus-visible { outline: 3px solid #f0b400;
  outline-offset: 1px; }
label.block { display: block; margin: 8px 0 4px; font-size: 14px; }
textarea { width: 100%; font: inherit; border: 1px solid var(--line); border-radius: 6px;
  padding: 6px 8px; }
button.primary { margin-top: 10px; background: var(--accent); color: #fff; border: 0;
  border-radius: 6px; padding: 8px 16px; font: inherit; font-weight: 600; cursor: pointer; }
.choices { display: flex; gap: 16px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); }
table.list { background: var(--card); border: 1px solid var(--line); }
table.agg { font-size: 13px; }
table.agg th, table.agg td { padding: 4px 5px; white-space: nowrap; }
.scroll { overflow-x: auto; }
td.flag { background: var(--warn-bg); color: var(--warn); font-weight: 600; }
.calibrate { color: var(--warn); background: var(--warn-bg); padding: 6px 8px;
  border-radius: 6px; font-size: 14px; }
.decided { border-color: #9bcfa6; background: #f1faf3; }
ul.comments { padding-left: 18px; font-size: 14px; }
"""
