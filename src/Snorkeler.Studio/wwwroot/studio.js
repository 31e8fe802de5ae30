// snorkeler studio: the page. Plain JavaScript, no libraries: the editor is a textarea over a highlighted <pre>.
"use strict";

const $ = (selector) => document.querySelector(selector);
const editor = $("#editor");
const highlight = $("#highlight");

const studio = {
  state: null,        // the latest /api/state
  file: null,         // the file open in the editor
  saved: "",          // its text as last loaded or saved
  version: null,      // the version of the file on disk that text is (the server refuses a save over another)
  checkTimer: 0,
  pending: null,      // the checks in flight (settled when they all are, never rejected)
  moves: null,        // the renames and deletes in flight (settled when they all are, never rejected)
  opening: 0,         // files being opened over discarded edits: no check until they are
  moving: 0,          // renames and deletes in flight: a check waits for them (recheck) to name the file as it is then
  recheck: false,     // a check came while a rename or delete was in flight: it is sent when they end
  opened: 0,          // how many files were asked to be opened: an answer for one asked for before another is dropped
  failure: null,      // {lost}: the status line shows a failure, kept from news until the person acts again (setStatus)
  rows: null,         // the rows shown: the bucket's query, the offset of their page and the state version they show
  shown: {},          // the state version the next-rows queue and the suggestions last asked for (null: ask again)
  escaped: false,     // Escape was the editor's last key: Tab moves the focus on
};

// This tab's id: the server holds one unsaved text per file, the latest any tab checked, and tells a tab whose text
// another tab's replaced (the state's "replaced").
const tabId = typeof crypto.randomUUID === "function" ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

// The token arrived in the address; the server set a cookie with it, so the address can drop it.
if (location.search.includes("token=")) history.replaceState(null, "", location.pathname);

// A failed request throws an Error with the server's message (its JSON "error", or its text: a 403 is plain text) and the status.
async function api(path, body) {
  const init = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(path, init);
  const text = await response.text();
  const isJson = (response.headers.get("Content-Type") || "").startsWith("application/json");
  if (!response.ok) {
    const body = isJson && text ? JSON.parse(text) : null;
    const message = body ? body.error : text.trim();
    // unwritten: a write the file system refused, told apart from another 409 (a file changed on disk).
    throw Object.assign(new Error(message || `${response.status} ${response.statusText}`), { status: response.status, unwritten: body !== null && body.unwritten === true });
  }
  return isJson && text ? JSON.parse(text) : null;
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
}

// The status line tells news (the model, a check's time, a save) and failures. A failure stays until the person acts again
// (types in the editor, presses a button, Ctrl+S) or a later failure comes: news that comes meanwhile, a poll's redraw
// above all, does not replace it, so it is there to be read.
function setStatus(text) {
  if (studio.failure === null) showStatus(text, false);
}

// News that the open file itself changed under the editor (reloaded from disk, renamed in another tab) replaces a failure:
// the editor no longer shows what the failure was about, and the person must not miss that it changed.
function tellAboutTheOpenFile(text) {
  studio.failure = null;
  showStatus(text, false);
}

// `lost`: the studio did not answer; said only while it does not.
function setFailure(text, lost = false) {
  studio.failure = { lost };
  showStatus(text, true);
}

function showStatus(text, failure) {
  $("#status").textContent = text;
  $("#status").classList.toggle("failure", failure);
}

// The person's next action lets news replace the failure shown: a button pressed (before its own handler, which may say
// more), a key typed in the editor, Ctrl+S.
document.addEventListener("click", (event) => { if (event.target.closest("button")) studio.failure = null; }, true);

// ---- highlighting -------------------------------------------------------------------------------------------

const RULE_KEYWORDS = new Set("labels let lf when label and or not contains any all matches in between is missing true false".split(" "));
const CSX_KEYWORDS = new Set(("using var static readonly new return if else for foreach while in is not and or null true false " +
  "string int double bool class record public private internal const switch case default break continue").split(" "));

// Tokens of one line: [kind, text] pairs covering the whole line.
function tokenizeRules(line, state) {
  const tokens = [];
  let i = 0;
  let previousWord = "";
  const push = (kind, text) => { tokens.push([kind, text]); i += text.length; };
  while (i < line.length) {
    const rest = line.slice(i);
    let m;
    if (rest[0] === "#") { push("comment", rest); break; }
    if ((m = /^"(?:[^"\\]|\\.)*"?/.exec(rest))) { push("string", m[0]); continue; }
    if ((m = /^`[^`]*`?/.exec(rest))) { push("field", m[0]); continue; }
    if (previousWord === "matches" && (m = /^\/(?:[^\/\\]|\\.)*\/?[a-z]*/.exec(rest))) { push("regex", m[0]); previousWord = ""; continue; }
    if ((m = /^\d+(?:\.\d+)?/.exec(rest))) { push("number", m[0]); continue; }
    if ((m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest))) {
      const word = m[0];
      let kind = "plain";
      if (RULE_KEYWORDS.has(word)) kind = "keyword";
      else if (previousWord === "label" || state.inLabels) kind = "label";
      else if (previousWord === "lf" || previousWord === "let") kind = "name";
      else if (/^(lower|upper|trim|length|word_count|starts_with|ends_with|count|number|lines)$/.test(word)) kind = "plain";
      else kind = "field";
      if (word === "labels" && i === 0) state.inLabels = true;
      push(kind, word);
      previousWord = word;
      continue;
    }
    push("plain", rest[0]);
  }
  state.inLabels = false;
  return tokens;
}

function tokenizeCsx(line, state) {
  const tokens = [];
  let i = 0;
  const push = (kind, text) => { tokens.push([kind, text]); i += text.length; };
  while (i < line.length) {
    const rest = line.slice(i);
    let m;
    if (state.inComment) {
      const end = rest.indexOf("*/");
      push("comment", end < 0 ? rest : rest.slice(0, end + 2));
      if (end >= 0) state.inComment = false;
      continue;
    }
    if (rest.startsWith("//")) { push("comment", rest); break; }
    if (rest.startsWith("/*")) { state.inComment = true; push("comment", "/*"); continue; }
    if ((m = /^@?"(?:[^"\\]|\\.)*"?/.exec(rest))) { push("string", m[0]); continue; }
    if ((m = /^\d+(?:\.\d+)?/.exec(rest))) { push("number", m[0]); continue; }
    if ((m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest))) { push(CSX_KEYWORDS.has(m[0]) ? "keyword" : /^[A-Z][A-Z_]+$/.test(m[0]) ? "label" : "plain", m[0]); continue; }
    push("plain", rest[0]);
  }
  return tokens;
}

// The diagnostics of the open file, by line: [{column, length, severity, message}].
function diagnosticsByLine() {
  const byLine = new Map();
  if (!studio.state) return byLine;
  for (const d of studio.state.diagnostics) {
    if (d.file !== studio.file || d.line < 1) continue;
    if (!byLine.has(d.line)) byLine.set(d.line, []);
    byLine.get(d.line).push(d);
  }
  return byLine;
}

function renderHighlight() {
  const text = editor.value;
  const tokenize = studio.file && studio.file.endsWith(".csx") ? tokenizeCsx : studio.file && studio.file.endsWith(".rules") ? tokenizeRules : null;
  const marks = diagnosticsByLine();
  const state = {};
  const html = text.split("\n").map((line, index) => {
    const tokens = tokenize ? tokenize(line, state) : [["plain", line]];
    // Characters of the line covered by a diagnostic: from its column for its length (or the word there).
    const flags = new Array(line.length + 1).fill(null);
    for (const d of marks.get(index + 1) || []) {
      const start = Math.min(Math.max(d.column - 1, 0), line.length);
      let length = d.length > 0 ? d.length : (/^\S+/.exec(line.slice(start)) || [" "])[0].length;
      for (let c = start; c < Math.min(line.length + 1, start + length); c++) flags[c] = d;
    }
    let out = "";
    let column = 0;
    for (const [kind, tokenText] of tokens) {
      let pieceStart = 0;
      for (let c = 1; c <= tokenText.length; c++) {
        if (c === tokenText.length || flags[column + c] !== flags[column + pieceStart]) {
          const piece = escapeHtml(tokenText.slice(pieceStart, c));
          const d = flags[column + pieceStart];
          let span = kind === "plain" ? piece : `<span class="t-${kind}">${piece}</span>`;
          if (d) span = `<span class="d-${d.severity}" title="${escapeHtml(d.code + ": " + d.message)}">${span}</span>`;
          out += span;
          pieceStart = c;
        }
      }
      column += tokenText.length;
    }
    const tail = flags[line.length];
    if (tail) out += `<span class="d-${tail.severity}" title="${escapeHtml(tail.code + ": " + tail.message)}"> </span>`;
    return out;
  }).join("\n");
  highlight.innerHTML = html + "\n";
  highlight.scrollTop = editor.scrollTop;
  highlight.scrollLeft = editor.scrollLeft;
}

editor.addEventListener("scroll", () => {
  highlight.scrollTop = editor.scrollTop;
  highlight.scrollLeft = editor.scrollLeft;
});

// Tab indents; Escape, then Tab, moves the focus on (as in VS Code's editor and GitHub's), so the keyboard gets past the
// editor to the numbers.
editor.addEventListener("keydown", (event) => {
  const leave = studio.escaped;
  studio.escaped = event.key === "Escape";
  if (event.key === "Tab" && !event.shiftKey && !leave) {
    event.preventDefault();
    document.execCommand("insertText", false, "    ");
  }
});
editor.addEventListener("blur", () => { studio.escaped = false; });

editor.addEventListener("input", () => {
  studio.failure = null;
  renderHighlight();
  $("#dirty").hidden = editor.value === studio.saved;
  clearTimeout(studio.checkTimer);
  studio.checkTimer = setTimeout(() => {
    studio.checkTimer = 0;
    check();
  }, 250);
});

document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key === "s") {
    event.preventDefault();
    studio.failure = null;
    save();
  }
});
$("#save").addEventListener("click", () => save());

// ---- checking, saving, the state ---------------------------------------------------------------------------

// Sends the editor's text to be checked. Not while a file opens over discarded edits: until the editor shows the file,
// it still holds the dropped text, and a check (the poll's, finding the server without this tab's edits) would send it
// back, so the numbers would follow text no longer shown. Not while a rename or delete is in flight either (settle).
async function check() {
  if (!studio.file || studio.opening > 0) return;
  if (studio.moving > 0) {
    studio.recheck = true;
    return;
  }
  const text = editor.value;
  const started = performance.now();
  const request = api("/api/check", { path: studio.file, text, version: studio.version, tab: tabId });
  studio.pending = Promise.all([studio.pending, request]).then(() => null, () => null);
  try {
    const state = await request;
    if (editor.value !== text) return; // a newer check follows
    render(state);
    renderReplaced(state);
    setStatus(`checked in ${Math.round(performance.now() - started)} ms`);
  } catch (error) {
    setFailure(error.message, error instanceof TypeError); // a TypeError: fetch got no answer (the studio is gone)
  }
}

// Renames or deletes a file (action) once the checks sent before are answered, holding back the checks asked meanwhile, the
// one the editor's last keys wait for too, until it is done: a check the server took after it would name the file as it was,
// and put the edits of a file renamed or deleted back in the numbers under its old name. A save or a file opened meanwhile
// waits for it too (studio.moves), and Rename and Delete are not offered until it is done.
async function settle(action) {
  const opened = studio.opened;
  studio.moving++;
  if (studio.checkTimer) {
    clearTimeout(studio.checkTimer);
    studio.checkTimer = 0;
    studio.recheck = true;
  }
  renderFiles();
  const done = (async () => {
    await studio.pending;
    await action();
  })();
  studio.moves = Promise.all([studio.moves, done]).then(() => null, () => null);
  try {
    await done;
  } finally {
    studio.moving--;
    renderFiles();
    // The text held back is checked under the file's name now, also when the person typed it back to the file as loaded (the
    // server holds the edits checked before), unless the editor holds another file since (the deleted one's successor).
    if (studio.moving === 0 && studio.recheck) {
      studio.recheck = false;
      const said = $("#status").textContent;
      if (studio.opened === opened && studio.file && (editor.value !== studio.saved || studio.state.unsaved.includes(studio.file))) {
        await check();
        if (!studio.failure) setStatus(said); // the rename's news (the files it rewrote) outlasts the check's time
      }
    }
  }
}

// Saves over the version the editor was loaded from; with overwrite, over whatever is on disk. Answered after another file
// was opened, the answer is the numbers' and the status line's only: the editor holds another file now.
async function save(overwrite = false) {
  await studio.moves; // a rename or delete in flight: the save names the file as it is after it
  if (!studio.file) return;
  const [file, opened, text] = [studio.file, studio.opened, editor.value];
  const stillOpen = () => studio.file === file && studio.opened === opened;
  try {
    const state = await api("/api/save", { path: file, text, version: overwrite ? null : studio.version, tab: tabId });
    if (!stillOpen()) {
      render(state);
      setStatus(`saved ${file}`);
      return;
    }
    studio.saved = text;
    studio.version = state.versions[studio.file];
    $("#dirty").hidden = editor.value === studio.saved;
    showConflict(null);
    render(state);
    renderReplaced(state);
    setStatus(`saved ${studio.file}`);
  } catch (error) {
    // A write the file system refused offers no choice, and a choice shown before goes with it; another 409 is a file
    // changed on disk since it was loaded: reload it (unless it is gone) or overwrite it. Both are the open file's: with
    // another file opened meanwhile, the status line alone says what happened.
    if (stillOpen() && error.unwritten) showConflict(null);
    else if (stillOpen() && error.status === 409) {
      const state = await api(`/api/state?tab=${tabId}`).catch(() => null);
      if (stillOpen()) showConflict(error.message, !state || (state.versions[file] ?? null) !== null);
    }
    setFailure(error.message, error instanceof TypeError);
  }
}

// The file changed on disk under unsaved edits: the person chooses to reload it or to overwrite it (null hides the choice).
// A file deleted or renamed on disk has nothing to reload: the editor's text can only be saved again.
function showConflict(message, reload = true) {
  $("#conflict").hidden = message === null;
  $("#conflict-message").textContent = message || "";
  $("#conflict-reload").hidden = !reload;
}
$("#conflict-reload").addEventListener("click", () => discardAndOpen(studio.file).catch((error) => setFailure(error.message)));
$("#conflict-overwrite").addEventListener("click", () => save(true));

// Opens a file, and says whether it did: of files asked for one after another, the editor shows the one asked for last, and
// an earlier one's answer coming after it is dropped (two quick clicks in the file list, the second file quicker to come).
async function open(file) {
  const asked = ++studio.opened;
  let answer;
  try {
    answer = await api(`/api/file?path=${encodeURIComponent(file)}`);
  } catch (error) {
    if (studio.opened !== asked) return false;
    throw error;
  }
  if (studio.opened !== asked) return false;
  const { text, version } = answer;
  studio.file = file;
  studio.saved = text;
  studio.version = version;
  editor.value = text;
  $("#file-name").textContent = file;
  $("#dirty").hidden = true;
  showConflict(null);
  $("#replaced").hidden = true;
  if (studio.state) renderForeign(studio.state);
  renderFiles();
  renderHighlight();
  renderDiagnostics();
  return true;
}

// Opens a file after the editor's unsaved edits were discarded: the server drops them too, so the numbers follow the disk.
// A check sent before is answered first, so it cannot bring the dropped edits back after the discard.
async function discardAndOpen(file) {
  studio.opening++;
  clearTimeout(studio.checkTimer);
  studio.checkTimer = 0;
  try {
    await studio.moves;
    if (studio.file && editor.value !== studio.saved) {
      await studio.pending;
      render(await api("/api/discard", { path: studio.file, tab: tabId }));
    }
    return await open(file);
  } finally {
    studio.opening--;
  }
}

// Whether the person lets the editor's unsaved edits go.
function mayDiscard() {
  return editor.value === studio.saved || confirm(`Discard the unsaved changes to ${studio.file}?`);
}

function renderFiles() {
  const files = studio.state ? studio.state.files : [];
  $("#file-rename").disabled = $("#file-delete").disabled = !studio.file || studio.moving > 0;
  $("#files").replaceChildren(...files.map((f) => {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = f;
    button.className = f === studio.file ? "active" : "";
    button.addEventListener("click", () => {
      if (mayDiscard()) discardAndOpen(f).catch((error) => setFailure(error.message));
    });
    return button;
  }));
}

function renderDiagnostics() {
  const list = $("#diagnostics");
  const diagnostics = studio.state ? studio.state.diagnostics : [];
  if (diagnostics.length === 0) {
    const ok = document.createElement("li");
    ok.className = "ok";
    ok.textContent = studio.state && studio.state.clean ? "no problems" : "";
    list.replaceChildren(ok);
    return;
  }
  list.replaceChildren(...diagnostics.map((d) => {
    const item = document.createElement("li");
    item.className = d.severity;
    // One without a place (a file the studio cannot read, say) has nowhere to go to.
    if (d.file) item.innerHTML = place(d.file, d.line, d.column, escapeHtml(d.text));
    else item.textContent = d.text;
    return item;
  }));
}

// A place in an LF file the editor goes to (an LF's file:line, a diagnostic): a button, so Tab reaches it and Enter or
// Space goes there (the click handler under "rows"), leaving the focus in the editor at that place.
function place(file, line, column, content, kind = "") {
  return `<button type="button" class="${kind ? `${kind} ` : ""}place" data-file="${escapeHtml(file)}" data-line="${line}" data-column="${column || 1}">${content}</button>`;
}

async function goTo(file, line, column) {
  if (!file) return;
  if (file !== studio.file) {
    // Another file asked for after this one is the one shown: the cursor is not moved in it.
    if (!mayDiscard() || !(await discardAndOpen(file))) return;
  }
  const lines = editor.value.split("\n");
  let offset = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i].length + 1;
  offset += Math.max(0, (column || 1) - 1);
  editor.focus();
  editor.setSelectionRange(offset, offset);
  const lineHeight = parseFloat(getComputedStyle(editor).lineHeight) || 18;
  editor.scrollTop = Math.max(0, (line - 5) * lineHeight);
}

// "1 row", "2,345 rows": a count and its noun, plural unless the count is 1, as the server's Text.Listing.Counted writes them.
function counted(count, noun) { return `${count.toLocaleString()} ${noun}${count === 1 ? "" : "s"}`; }

function percent(x) { return x === null || x === undefined ? "–" : `${(100 * x).toFixed(1)}%`; }
function gainPoints(x) { return `+${(100 * x).toFixed(1)} pp`; }

// A change shown beside a number, in percentage points; "new" for an LF that did not exist before.
function delta(value, higherIsBetter = true) {
  if (value === null || value === undefined || Math.abs(value) < 0.0005) return "";
  const good = higherIsBetter ? value > 0 : value < 0;
  const sign = value > 0 ? "+" : "−";
  return `<span class="delta ${good ? "up" : "down"}">${sign}${Math.abs(100 * value).toFixed(1)}</span>`;
}

// A number that opens the rows behind it: a button, so Tab reaches it and Enter or Space opens them (the click handler below).
function number(kind, rows, content, title = "") {
  return `<button type="button" class="${kind ? `${kind} ` : ""}clickable" data-rows="${escapeHtml(rows)}"${title ? ` title="${escapeHtml(title)}"` : ""}>${content}</button>`;
}

// A number of the totals; `more` is a second, smaller link under it: [text, rows, title].
function card(label, value, change, rows, id, title = "", more = null) {
  const shown = rows ? number("value", rows, value + change) : `<div class="value">${value}${change}</div>`;
  const link = !more ? "" : more[1] ? number("more", more[1], more[0], more[2]) : `<div class="more" title="${escapeHtml(more[2])}">${more[0]}</div>`;
  return `<div class="card" id="${id}"${title ? ` title="${escapeHtml(title)}"` : ""}><div class="label">${label}</div>${shown}${link}</div>`;
}

// Draws a state, unless it is older than the one drawn: an answer the server gave before another the page already drew
// (a poll answered before a save, come after it) would take the numbers, and the files' versions, back.
function render(state) {
  if (studio.state && state.version < studio.state.version) return;
  const previousFiles = studio.state ? studio.state.files.join("\n") : "";
  followLf(studio.state, state);
  studio.state = state;
  $("#data-info").textContent = `${state.data} · ${counted(state.rows, "row")}` +
    (state.devRows ? ` · dev ${counted(state.devRows, "row")}` : "") + ` · classes ${state.classes.join(", ")}`;
  if (state.files.join("\n") !== previousFiles) renderFiles();
  const focused = focusedControl();
  renderHighlight();
  renderDiagnostics();
  const t = state.totals;
  const d = state.delta || {};
  // A model with a class prior labels every row, the ones no LF votes on too; ties are what it leaves unlabelled.
  const tied = t && t.modelCoverage !== null && t.modelCoverage < 1 ? `, ${Math.round((1 - t.modelCoverage) * t.goldRows)} tied` : "";
  // The gold numbers (model accuracy, empirical accuracy) are measured on the dev rows and the hand-labelled rows
  // together: set=gold lists the rows behind them from both.
  $("#totals").innerHTML = t ? [
    card("LFs", t.lfs, "", null, "total-lfs"),
    card("coverage", percent(t.coverage), delta(d.coverage), "set=train&bucket=uncovered", "total-coverage", "share of training rows some LF votes on"),
    card("overlap", percent(t.overlap), delta(d.overlap, true), "set=train&bucket=overlap", "total-overlap", "share of training rows two or more LFs vote on"),
    card("conflict", percent(t.conflict), delta(d.conflict, false), "set=train&bucket=conflict", "total-conflict"),
    card(`model accuracy (${counted(t.goldRows, "gold row")}${tied})`, percent(t.modelAccuracy), delta(d.modelAccuracy), `set=gold&bucket=model-wrong`, "total-accuracy",
      "the label model's accuracy on every gold row, the rows no LF votes on too (it gives them its prior's top class)"),
    card(`model accuracy, covered (${counted(t.coveredGoldRows, "gold row")})`, percent(t.modelAccuracyCovered), delta(d.modelAccuracyCovered),
      `set=gold&bucket=model-wrong&covered=true`, "total-accuracy-covered", "the label model's accuracy on the gold rows some LF votes on: the rows the LFs decide",
      // Where the LFs vote and the model still hesitates (weak or disagreeing LFs); the uncovered rows, which a prior leaves
      // uncertain too, are behind the coverage cards.
      t.uncertainCoveredGoldRows === null ? null : [`${t.uncertainCoveredGoldRows} uncertain`,
        t.uncertainCoveredGoldRows > 0 ? "set=gold&bucket=uncertain&covered=true" : null,
        "the gold rows some LF votes on where the label model's two most probable classes are less than 0.2 apart"]),
    card("coverage (gold)", percent(t.goldCoverage), delta(d.goldCoverage), "set=gold&bucket=uncovered", "total-gold-coverage",
      "share of the gold rows some LF votes on"),
  ].join("") : `<div class="card"><div class="label">The LF folder does not check clean yet.</div></div>`;
  $("#model-error").hidden = !state.modelError;
  $("#model-error").textContent = state.modelError ? `label model: ${state.modelError}` : "";
  // The gold and hand labels the numbers read as the warnings say (an ambiguous gold cell) or leave out (a row past the data).
  $("#data-warnings").hidden = state.warnings.length === 0;
  $("#data-warnings").replaceChildren(...state.warnings.map((w) => {
    const item = document.createElement("li");
    item.textContent = w;
    return item;
  }));
  $("#lf-table tbody").innerHTML = state.lfs.map(({ numbers: n, delta: c, isNew }) => {
    const lf = encodeURIComponent(n.name);
    const changed = isNew || (c && Object.values(c).some((v) => v !== null && Math.abs(v) >= 0.0005));
    const accuracy = n.empiricalAccuracy === null ? "–" : `${percent(n.empiricalAccuracy)} <small>(${n.correct}/${n.correct + n.incorrect})</small>`;
    return `<tr data-lf="${escapeHtml(n.name)}"${changed ? ` class="changed"` : ""}>` +
      `<td class="name">${escapeHtml(n.name)}${isNew ? `<span class="delta new">new</span>` : ""}${place(n.file, n.line, 1, `${escapeHtml(n.file)}:${n.line}`, "where")}</td>` +
      `<td>${escapeHtml(n.polarity.join(", "))}</td>` +
      `<td class="coverage">${number("", `set=train&lf=${lf}&bucket=fires`, percent(n.coverage))}${c ? delta(c.coverage) : ""}</td>` +
      `<td class="overlaps">${number("", `set=train&lf=${lf}&bucket=overlap`, percent(n.overlaps))}${c ? delta(c.overlaps) : ""}</td>` +
      `<td class="conflicts">${number("", `set=train&lf=${lf}&bucket=conflict`, percent(n.conflicts))}${c ? delta(c.conflicts, false) : ""}</td>` +
      `<td class="empirical">${number("", `set=gold&lf=${lf}&bucket=wrong`, accuracy)}${c ? delta(c.empiricalAccuracy) : ""}</td>` +
      `<td class="learned">${number("", `set=train&lf=${lf}&bucket=fires`, percent(n.learnedAccuracy))}${c ? delta(c.learnedAccuracy) : ""}` +
      // Alone on its rows, an LF gives the model nothing to check its votes against (docs/studio.md, "What the learned accuracy is").
      (n.learnedAccuracy !== null && n.overlaps === 0 ? `<span class="alone" title="${aloneNote}">?</span>` : "") + `</td>` +
      `</tr>`;
  }).join("");
  const again = focused && controls(focused.does)[focused.index];
  if (again) again.focus({ preventScroll: true });
  renderHistory();
  renderForeign(state);
  setStatus(statusOf(state));
  refreshPanel();
}

// The status line's news of a state: the model, and the last evaluation's time.
function statusOf(state) {
  const ms = state.milliseconds ? ` · last evaluation ${state.milliseconds.toFixed(0)} ms, ${counted(state.reapplied, "LF")} re-applied` : "";
  return `model ${state.totals && state.totals.model ? state.totals.model : "–"}${ms}`;
}

// The number or place with the focus, as what it does (the rows it opens, the place it goes to) and its place among the
// controls that do the same (an LF's coverage and learned accuracy open the same rows; two diagnostics may point at one
// column), so it has the focus again once the numbers and diagnostics are drawn again, where it is: the page is not
// scrolled back to it. Only a focus the keyboard brought (its ring shown): one a click left would pull the page back to
// the table at every redraw, while the person reads rows.
function focusedControl() {
  const active = document.activeElement;
  const focused = active && active.matches(":focus-visible") && active.closest("[data-rows], .place");
  return focused && { does: does(focused), index: controls(does(focused)).indexOf(focused) };
}

function does(control) { return control.dataset.rows ?? `${control.dataset.file}:${control.dataset.line}:${control.dataset.column}`; }

function controls(what) { return [...document.querySelectorAll("[data-rows], .place")].filter((c) => does(c) === what); }

// The change from one number to another, when both exist.
function change(now, before) { return now === null || before === null ? "" : delta(now - before); }

function renderHistory() {
  const history = studio.state.history.slice().reverse();
  $("#history-panel").innerHTML = `<table><thead><tr><th>#</th><th>time</th><th>what</th><th>changed LFs</th><th>coverage</th><th>model accuracy</th><th>covered</th><th>ms</th></tr></thead><tbody>` +
    history.map((h, i) => {
      const before = history[i + 1];
      const lfs = [...h.added.map((n) => "+" + n), ...h.removed.map((n) => "−" + n), ...h.changed.map((n) => "~" + n)].join(" ");
      return `<tr><td>${h.id}</td><td>${new Date(h.time).toLocaleTimeString()}</td><td>${escapeHtml(h.reason)}</td><td>${escapeHtml(lfs)}</td>` +
        `<td>${percent(h.totals.coverage)}${before ? delta(h.totals.coverage - before.totals.coverage) : ""}</td>` +
        `<td>${percent(h.totals.modelAccuracy)}${before ? change(h.totals.modelAccuracy, before.totals.modelAccuracy) : ""}</td>` +
        `<td>${percent(h.totals.modelAccuracyCovered)}${before ? change(h.totals.modelAccuracyCovered, before.totals.modelAccuracyCovered) : ""}</td>` +
        `<td>${h.milliseconds.toFixed(0)}</td></tr>`;
    }).join("") + `</tbody></table>`;
}

// Another tab checked its own unsaved text of the open file after this one: the numbers and diagnostics follow that
// text, not this editor's, until this tab sends its text again (or either saves). Only states asked for with this
// tab's id (poll, check, save) say so.
function renderReplaced(state) {
  const replaced = !!studio.file && state.replaced.includes(studio.file) && editor.value !== studio.saved;
  $("#replaced").hidden = !replaced;
  $("#replaced-message").textContent = replaced
    ? `Another studio tab has other unsaved edits of ${studio.file}: the numbers and diagnostics follow its text, not the text here` : "";
}
$("#replaced-mine").addEventListener("click", () => check());

// The numbers follow every file's unsaved text, a text another tab holds too: this tab's own unsaved text can only be the
// open file's edits (the bar above says when another tab's replaced them), so every other unsaved file is another tab's.
function renderForeign(state) {
  const others = state.unsaved.filter((f) => f !== studio.file || editor.value === studio.saved);
  const here = others.includes(studio.file) ? `, not the text of ${studio.file} shown here (as saved)` : "";
  $("#foreign").hidden = others.length === 0;
  $("#foreign").textContent = others.length === 0 ? "" : `The numbers include unsaved edits of ${listed(others)} in another studio tab${here}`;
}

// "a", "a and b", "a, b and c".
function listed(items) { return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`; }

// ---- files: new, rename, delete ------------------------------------------------------------------------------

// The name as the file list writes it.
function fileName(name) { return name.trim().replace(/\\/g, "/"); }

$("#file-new").addEventListener("click", async () => {
  const name = prompt("Name of the new file in the LF folder (NAME.rules, NAME.csx or NAME.txt; 'topic/NAME.rules' in a folder):", "");
  if (!name || !name.trim() || !mayDiscard()) return;
  try {
    // No text: the server starts a rules file with the classes and a commented example LF.
    render(await api("/api/files/create", { path: fileName(name) }));
    await discardAndOpen(fileName(name));
    setStatus(`made ${fileName(name)}`);
  } catch (error) {
    setFailure(error.message);
  }
});

// The open file's unsaved edits follow it: the server moves them, and the editor keeps its text.
$("#file-rename").addEventListener("click", async () => {
  if (!studio.file) return;
  const to = prompt(`Rename ${studio.file} to:`, studio.file);
  if (!to || !to.trim() || fileName(to) === studio.file) return;
  const [from, opened] = [studio.file, studio.opened];
  // The editor follows the file (a poll may have followed it first), unless another file was opened before the answer
  // came: the editor holds that one now.
  const follow = (state) => {
    if (studio.opened === opened && (studio.file === from || studio.file === fileName(to))) {
      studio.file = fileName(to);
      $("#file-name").textContent = studio.file;
    }
    render(state);
    renderFiles();
  };
  await settle(async () => {
    try {
      const state = await api("/api/files/rename", { path: from, to: fileName(to) });
      follow(state);
      // A rules file that names the renamed one (or, moved to another folder, its own lists) was pointed at it again on disk.
      const updated = Object.entries(state.updated || {});
      if (studio.file in (state.updated || {}) && editor.value === studio.saved) await open(studio.file);
      // Listed as the server's messages list files and lines (StudioSession.FileLines): "spam.rules (lines 3 and 5)".
      const where = listed(updated.map(([file, lines]) => `${file} (${lines.length === 1 ? "line" : "lines"} ${listed(lines)})`));
      setStatus(`renamed ${from} to ${fileName(to)}${where ? `; updated the file names in ${where}` : ""}`);
    } catch (error) {
      // Renamed, though a rules file to rewrite could not be written (a 409 naming it): the editor follows the file, and the
      // error naming the rules left to correct stays (the next poll would follow it as another tab's rename, and say so
      // instead). Only when the state has the file under its new name alone: a 'moved' entry may be an older rename's,
      // undone outside since, and a refused rename (the name taken, nothing written) leaves the editor on its own file.
      const state = error.status === 409 ? await api(`/api/state?tab=${tabId}`).catch(() => null) : null;
      if (state && !(from in state.versions) && fileName(to) in state.versions && state.moved[from] === fileName(to)) follow(state);
      setFailure(error.message);
    }
  });
});

// A delete names the version the editor loaded, so a change made since (another editor) is not deleted unseen. Answered
// after another file was opened, it leaves the editor on that one.
$("#file-delete").addEventListener("click", async () => {
  if (!studio.file) return;
  const [file, opened] = [studio.file, studio.opened];
  const edits = editor.value !== studio.saved ? ", with your unsaved edits of it," : "";
  if (!confirm(`Delete ${file}${edits} from the LF folder? This cannot be undone.`)) return;
  await settle(async () => {
    try {
      const state = await api("/api/files/delete", { path: file, version: studio.version });
      const here = studio.opened === opened;
      if (here) closeFile();
      render(state);
      const next = state.files.find((f) => f.endsWith(".rules")) || state.files[0];
      if (here && next) await open(next);
      setStatus(`deleted ${file}`);
    } catch (error) {
      setFailure(error.message);
    }
  });
});

// Empties the editor: no file is open.
function closeFile() {
  studio.file = null;
  studio.saved = "";
  studio.version = null;
  editor.value = "";
  $("#file-name").textContent = "";
  $("#dirty").hidden = true;
  showConflict(null);
  $("#replaced").hidden = true;
  renderFiles();
  renderHighlight();
}

// ---- rows ----------------------------------------------------------------------------------------------------

document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-rows]");
  if (target) { showRows(target.dataset.rows); return; }
  const to = event.target.closest(".place");
  if (to) goTo(to.dataset.file, Number(to.dataset.line), Number(to.dataset.column));
});

function selectTab(panel) {
  for (const button of document.querySelectorAll("#tabs button")) button.classList.toggle("active", button.dataset.panel === panel);
  for (const p of document.querySelectorAll(".panel")) p.hidden = p.id !== panel;
  refreshPanel();
}
for (const button of document.querySelectorAll("#tabs button")) button.addEventListener("click", () => selectTab(button.dataset.panel));

const aloneNote = "no other LF votes on the rows this one votes on, so the label model has nothing to check its votes against: " +
  "this figure is not evidence of its accuracy (with snorkel it stays near where the fit starts); read the empirical accuracy";

const ROWS_PER_PAGE = 25;

// The rows of a bucket, a page at a time, in the order 'snorkeler rows' samples them (the first page is its sample of 25);
// another bucket starts at its first page. A refresh (the state changed: an edit, a save, a hand label) shows the same
// page again, with its rows' votes, predictions and labels now, without bringing the rows panel to the front.
async function showRows(query, offset = 0, refresh = false) {
  const asked = { query, offset, version: studio.state ? studio.state.version : null };
  studio.rows = asked;
  if (!refresh) selectTab("rows-panel");
  // The pager button the keyboard brought the focus to (its ring shown) keeps it on the new page, so paging from the keyboard
  // goes on where it was, without scrolling, as render() gives the focus back; one a click left keeps none, as the page
  // would jump to the button.
  const active = document.activeElement;
  const focused = active && active.matches(":focus-visible") && active.closest(".pager button");
  const refocus = focused ? [...document.querySelectorAll(".pager button")].indexOf(focused) : -1;
  try {
    const view = await api(`/api/rows?${query}&offset=${offset}&limit=${ROWS_PER_PAGE}`);
    if (studio.rows !== asked) return; // another page, or the page again, was asked for meanwhile
    // Past the end (the bucket shrank since the page was shown): its last page.
    if (view.rows.length === 0 && view.matched > 0 && offset > 0) return showRows(query, Math.floor((view.matched - 1) / ROWS_PER_PAGE) * ROWS_PER_PAGE, refresh);
    const paged = view.matched > ROWS_PER_PAGE;
    keepFocus($("#rows-panel"), [rowsTitle(`${view.set}: ${view.query} — ${paged ? pageRange(view) : counted(view.matched, "row")}`),
      ...(paged ? [pager(query, view)] : []), ...view.rows.map(renderRow), ...(paged ? [pager(query, view)] : [])]);
    const buttons = [...document.querySelectorAll(".pager button")];
    if (refocus >= 0 && buttons[refocus]) (buttons[refocus].disabled ? buttons[refocus ^ 1] : buttons[refocus]).focus({ preventScroll: true });
  } catch (error) {
    if (studio.rows !== asked) return;
    studio.rows = { ...asked, version: null }; // asked for again when the panel is shown again, as the other panels are
    $("#rows-panel").replaceChildren(rowsTitle(error.message));
  }
}

// How each panel below the table asks again for what it shows when the state changed since it asked, or its last answer
// was a failure (the rows: once a bucket was opened).
const refreshers = {
  "rows-panel": () => studio.rows && studio.rows.version !== studio.state.version && showRows(studio.rows.query, studio.rows.offset, true),
  "next-panel": () => studio.shown.next !== studio.state.version && loadNext(),
  "suggestions-panel": () => studio.shown.suggestions !== studio.state.version && loadSuggestions(),
};

// The panel in front is fetched again only where it can be seen: after edits made while another panel was in front (or the
// browser showed another tab), once, when it is shown again.
function refreshPanel() {
  const front = document.querySelector(".panel:not([hidden])");
  if (front && studio.state && document.visibilityState !== "hidden" && refreshers[front.id]) refreshers[front.id]();
}
document.addEventListener("visibilitychange", refreshPanel);

// The rows of an LF that is gone from the state follow it when it was renamed where it is: one LF, at its file and line,
// under a name the previous state did not have. Otherwise they close with a line naming it, not the server's refusal.
function followLf(before, state) {
  const query = studio.rows ? new URLSearchParams(studio.rows.query) : null;
  const name = query && query.get("lf");
  if (!name || !before || state.lfs.some((l) => l.numbers.name === name)) return;
  const was = before.lfs.find((l) => l.numbers.name === name);
  const known = new Set(before.lfs.map((l) => l.numbers.name));
  const here = !was || was.numbers.line < 1 ? [] : state.lfs.filter(({ numbers: n }) =>
    !known.has(n.name) && n.file === was.numbers.file && n.line === was.numbers.line);
  if (here.length === 1) {
    query.set("lf", here[0].numbers.name);
    studio.rows = { ...studio.rows, query: query.toString() }; // its version is the old state's, so it is fetched again
    return;
  }
  studio.rows = null;
  $("#rows-panel").replaceChildren(rowsTitle(`LF '${name}' is no longer there (removed, or renamed and moved): click a number to see rows`));
}

// "rows 26–50 of 1,234", "row 1,234 of 1,234".
function pageRange(view) {
  const first = view.offset + 1;
  const last = view.offset + view.rows.length;
  const range = first === last ? `row ${first.toLocaleString()}` : `rows ${first.toLocaleString()}–${last.toLocaleString()}`;
  return `${range} of ${view.matched.toLocaleString()}`;
}

// Previous and next buttons around a page's range.
function pager(query, view) {
  const nav = document.createElement("nav");
  nav.className = "pager";
  nav.setAttribute("aria-label", "pages of rows");
  const button = (text, label, offset, enabled) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.className = label;
    b.title = `${label} ${counted(ROWS_PER_PAGE, "row")}`;
    b.disabled = !enabled;
    b.addEventListener("click", () => showRows(query, offset));
    return b;
  };
  const range = document.createElement("span");
  range.textContent = pageRange(view);
  nav.append(button("← previous", "previous", Math.max(0, view.offset - ROWS_PER_PAGE), view.offset > 0), range,
    button("next →", "next", view.offset + ROWS_PER_PAGE, view.offset + view.rows.length < view.matched));
  return nav;
}

function rowsTitle(text) {
  const title = document.createElement("div");
  title.className = "rows-title";
  title.textContent = text;
  return title;
}

function renderRow(row) {
  const element = document.createElement("div");
  element.className = "row";
  element.dataset.row = row.row;
  element.dataset.set = row.set;
  const fields = row.fields.map((f) => {
    const text = f.segments === null ? "<i>missing</i>" : f.segments.map((s) => s.matched ? `<mark>${escapeHtml(s.text)}</mark>` : escapeHtml(s.text)).join("");
    return `<div class="field"><span class="fname">${escapeHtml(f.name)}</span>${text}</div>`;
  }).join("");
  const votes = row.votes.length === 0 ? `<span class="vote">no LF votes</span>` :
    row.votes.map((v) => `<span class="vote" title="${escapeHtml(v.condition || "")}">${escapeHtml(v.lf)} → ${escapeHtml(v.label)}</span>`).join(" ");
  const model = row.predicted ? `model: ${escapeHtml(row.predicted)} (${(100 * row.confidence).toFixed(0)}%)` : row.confidence !== null ? "model: tie" : "";
  const gold = row.gold ? `<span class="gold">${row.set === "dev" ? "gold" : "hand label"}: ${escapeHtml(row.gold)}</span>` : "";
  const hand = row.set === "train" && studio.state ? `<span class="hand">label: ${studio.state.classes.map((c) =>
    `<button type="button" data-label="${escapeHtml(c)}" class="${row.gold === c ? "chosen" : ""}">${escapeHtml(c)}</button>`).join("")}` +
    (row.gold ? `<button type="button" data-label="">clear</button>` : "") + `</span>` : "";
  const where = row.line ? `<span title="row ${row.number.toLocaleString()} of the data">${escapeHtml(row.file)} line ${row.line.toLocaleString()}</span>` : `<span>row ${row.number.toLocaleString()}</span>`;
  element.innerHTML = `<div class="meta">${where}${row.reason ? `<span>${escapeHtml(row.reason)}</span>` : ""}${gold}<span>${model}</span>${hand}</div>` +
    fields + `<div>${votes}</div>`;
  for (const button of element.querySelectorAll(".hand button")) {
    button.addEventListener("click", async (event) => {
      try {
        const state = await api("/api/label", { row: row.row, label: button.dataset.label || null });
        // Labelled from the keyboard (a click without a pointer's count), the focus goes on to the next row, and stays
        // there when the label draws the panel again.
        if (event.detail === 0) focusNextRow(element, button.dataset.label);
        render(state);
        for (const b of element.querySelectorAll(".hand button")) b.classList.toggle("chosen", b.dataset.label !== "" && b.dataset.label === button.dataset.label);
        setStatus(button.dataset.label ? `row ${row.number} labelled ${button.dataset.label} (saved to ${state.handLabels})` : `row ${row.number}: label cleared`);
      } catch (error) {
        setFailure(error.message);
      }
    });
  }
  return element;
}

// Puts the focus on the hand-label button for `label` (or the first) of the row after `element` (its last row: of
// `element`); the panel, drawn again, gives it back to that row (keepFocus).
function focusNextRow(element, label) {
  const panel = element.closest(".panel");
  if (!panel) return;
  const rows = [...panel.querySelectorAll(".row")];
  const next = rows.slice(rows.indexOf(element) + 1).find((r) => r.querySelector(".hand button")) || element;
  const button = labelButton(panel, { row: next.dataset.row, set: next.dataset.set, index: rows.indexOf(next), label });
  if (button) button.focus();
}

// Fills `panel` with `children`; a hand-label button that had the focus from the keyboard in it gives it to the same row's
// button for the same class (or, the row gone, to the row now at its place), so labelling from the keyboard goes on where
// it was. One a click left keeps none: focused again, it would scroll the rows back to it at every redraw.
function keepFocus(panel, children) {
  const active = document.activeElement;
  const focused = active && active.matches(":focus-visible") && active.closest(".hand button");
  const row = focused && panel.contains(focused) ? focused.closest(".row") : null;
  const wanted = row && { row: row.dataset.row, set: row.dataset.set, index: [...panel.querySelectorAll(".row")].indexOf(row), label: focused.dataset.label };
  panel.replaceChildren(...children);
  const button = wanted && labelButton(panel, wanted);
  if (button) button.focus();
}

// The hand-label button for `wanted.label` (or the first) of the row `wanted` names in `panel`, or of the row at its index.
function labelButton(panel, wanted) {
  const rows = [...panel.querySelectorAll(".row")];
  const row = rows.find((r) => r.dataset.row === wanted.row && r.dataset.set === wanted.set) || rows[Math.min(wanted.index, rows.length - 1)];
  const buttons = row ? [...row.querySelectorAll(".hand button")] : [];
  return buttons.find((b) => b.dataset.label === wanted.label) || buttons[0];
}

// The next-rows queue and the suggestions are asked for as of the state now: an answer for an older state, come after one
// for a newer, is dropped; a failure is asked for again when the panel is shown again.
async function loadNext() {
  const asked = studio.shown.next = studio.state.version;
  try {
    const view = await api("/api/next?limit=25");
    if (studio.shown.next !== asked) return;
    keepFocus($("#next-panel"), [rowsTitle("Rows where a new or fixed LF would help most (uncovered, conflicting, uncertain; similar rows spread out)"), ...view.rows.map(renderRow)]);
  } catch (error) {
    if (studio.shown.next !== asked) return;
    studio.shown.next = null;
    $("#next-panel").replaceChildren(rowsTitle(error.message));
  }
}

async function loadSuggestions() {
  const asked = studio.shown.suggestions = studio.state.version;
  try {
    const suggestions = await api("/api/suggestions?limit=15");
    if (studio.shown.suggestions !== asked) return;
    const panel = $("#suggestions-panel");
    if (suggestions.length === 0) { panel.replaceChildren(rowsTitle("No suggestions: no frequent word or phrase in the uncovered or uncertain rows would change what the label model predicts.")); return; }
    panel.replaceChildren(rowsTitle("Keyword rules mined from the rows that need an LF: those more often right than wrong (at 95\u00a0% confidence) first, then by precision and the rows they label; accept one to add it to the rules file, where you can edit it"),
      ...suggestions.map((s) => {
        const element = document.createElement("div");
        element.className = "suggestion";
        element.dataset.id = s.id;
        const evidence = s.goldRows > 0 ? `${s.goldCorrect} of ${counted(s.goldRows, "gold row")}${s.precisionFrom === "gold" ? "" : " and the label model"}` : "label model";
        element.innerHTML = `<div><code>${escapeHtml(s.rule)}</code><div class="stats">expected gain ${gainPoints(s.gain)} accuracy · coverage ${percent(s.coverage)} · ` +
          `${counted(s.unlabelled, "row")} needing an LF · precision ≈ ${percent(s.precision)}, at least ${percent(s.precisionBound)} (${evidence})</div></div>` +
          `<div class="actions"><button type="button" class="accept">Accept</button><button type="button" class="reject">Reject</button></div>`;
        element.querySelector(".accept").addEventListener("click", async () => {
          try {
            const state = await api("/api/suggestions/accept", { id: s.id });
            render(state);
            const rules = state.files.find((f) => f.endsWith(".rules"));
            if (rules && (studio.file === rules || editor.value === studio.saved)) await open(rules);
            setStatus(`added ${s.keyword} → ${s.label}`);
          } catch (error) { setFailure(error.message); }
        });
        element.querySelector(".reject").addEventListener("click", async () => {
          await api("/api/suggestions/reject", { id: s.id });
          element.remove();
        });
        return element;
      }));
  } catch (error) {
    if (studio.shown.suggestions !== asked) return;
    studio.shown.suggestions = null;
    $("#suggestions-panel").replaceChildren(rowsTitle(error.message));
  }
}

// ---- start and follow changes made elsewhere ----------------------------------------------------------------

async function poll() {
  try {
    const state = await api(`/api/state?tab=${tabId}`);
    // Answered before a state the page drew since (a save's, a check's): it is no longer so.
    if (studio.state && state.version < studio.state.version) return;
    // The studio answers again: the failure that said it did not is no longer true.
    if (studio.failure && studio.failure.lost) {
      studio.failure = null;
      if (studio.state && state.version === studio.state.version) setStatus(statusOf(state));
    }
    // Renamed in another tab: the editor follows it (the server moved its unsaved edits); deleted in another tab: its
    // unsaved edits went with it, and are not sent again.
    const moved = studio.file && !(studio.file in state.versions) && studio.file in state.moved ? state.moved[studio.file] : undefined;
    const renamed = typeof moved === "string" ? studio.file : null;
    if (renamed) {
      studio.file = moved;
      $("#file-name").textContent = moved;
      renderFiles();
    }
    // Another tab that opened, or discarded, dropped this editor's unsaved edits on the server: send them again, so the
    // numbers follow the text shown here.
    if (studio.file && moved !== null && editor.value !== studio.saved && !state.unsaved.includes(studio.file)) check();
    renderReplaced(state);
    renderForeign(state);
    if (!studio.state || state.version !== studio.state.version) {
      const clean = editor.value === studio.saved;
      render(state);
      if (studio.file && !(studio.file in state.versions)) {
        // Deleted or renamed on disk (a file manager, a git checkout): there is no text to load, and the numbers leave its LFs
        // out unless it has unsaved edits here; the editor keeps its text, which the person may save again.
        showConflict(`${studio.file} was ${moved === null ? "deleted in another studio tab" : "deleted or renamed on disk"}: save it again with the text here, or open another file`, false);
        setStatus(`${studio.file} is no longer on disk`);
      } else if (studio.file && state.versions[studio.file] !== studio.version) {
        // Another editor or a git checkout changed the open file: show its new text, or with unsaved edits here, offer to.
        if (!clean) showConflict(`${studio.file} changed on disk while you have unsaved edits here: reload it, or overwrite it with yours`);
        else {
          // Unless another file was opened (or this one again) before the text came: the editor holds that one's.
          const [file, opened] = [studio.file, studio.opened];
          const { text, version } = await api(`/api/file?path=${encodeURIComponent(file)}`);
          if (studio.file === file && studio.opened === opened && editor.value === studio.saved) {
            studio.saved = text;
            studio.version = version;
            editor.value = text;
            renderHighlight();
            tellAboutTheOpenFile(`${studio.file} changed on disk; reloaded`);
          }
        }
      } else if (studio.file && !$("#conflict").hidden) showConflict(null); // back as the page loaded it (the deletion undone)
    }
    if (renamed) tellAboutTheOpenFile(`${renamed} was renamed to ${studio.file} in another studio tab`);
  } catch (error) {
    setFailure(`lost the studio: ${error.message}`, true);
  }
}

// Leaving or reloading the page drops its unsaved edits (a new page starts from the files on disk): ask first.
window.addEventListener("beforeunload", (event) => {
  if (editor.value !== studio.saved) event.preventDefault();
});

// A tab that goes (closed, reloaded, another address) tells the server, which drops its unsaved edits, so the numbers the
// other tabs show stop including them; a tab kept in the browser's history that comes back sends them again (poll).
window.addEventListener("pagehide", () => navigator.sendBeacon(`/api/close?tab=${encodeURIComponent(tabId)}`));

(async function start() {
  // Unsaved edits the server holds for an earlier page (closed, reloaded) are not in this editor: drop them.
  const state = await api("/api/discard", {});
  render(state);
  const first = state.files.find((f) => f.endsWith(".rules")) || state.files[0];
  if (first) await open(first);
  document.body.dataset.ready = "true";
  setInterval(poll, 1500);
})();
