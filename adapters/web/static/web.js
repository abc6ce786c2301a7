// The candidate page's behaviour: live updates, the ticking countdown, the word counter,
// posting forms without leaving the page, and recording in chunks that survive a dropped
// connection. The server is the source of truth: this only shows and sends.
"use strict";
(function () {
  const token = document.body.dataset.token;
  const main = document.getElementById("main");
  const base = "/i/" + token;
  const CHUNK_MS = 2000, PIECE = 512 * 1024, POLL_MS = 1000;
  const FINAL = ["submitted", "expired", "withdrawn", "declined", "erased"];
  let recording = null;
  const holder = document.getElementById("texts");
  const TEXTS = holder ? JSON.parse(holder.textContent) : {};
  function text(id, params) {  // a catalog sentence (web.js.<id>) with its {placeholders}
    return (TEXTS[id] || id).replace(/\{(\w+)\}/g, function (all, name) {
      return params && name in params ? String(params[name]) : all; });
  }

  function csrf() { return main && main.dataset.csrf; }
  function headers(extra) {
    return Object.assign({ "X-Requested-With": "fetch", "X-CSRF-Token": csrf() }, extra || {});
  }
  function say(text) { const s = document.getElementById("rec-status"); if (s) s.textContent = text; }
  function wait(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
  function clock(s) { return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0"); }

  // ---- live part -------------------------------------------------------------------------
  function live() { return document.getElementById("live"); }

  function showControls() {
    const el = live(); if (!el) return;
    const answering = el.dataset.phase === "answering";
    const formats = (el.dataset.formats || "").split(" ");
    const voice = formats.includes("voice");
    const video = formats.includes("video") || formats.includes("video_note");
    const busy = recording !== null;
    toggle("record", busy || (answering && (voice || video)));
    toggle("rec-voice", !busy && answering && voice && !!window.MediaRecorder);
    toggle("rec-video", !busy && answering && video && !!window.MediaRecorder);
    toggle("rec-stop", busy && !recording.stopped);
    toggle("text-answer", answering && formats.includes("text"));
    toggle("file-answer", answering && formats.includes("document"));
    const over = FINAL.includes(el.dataset.phase);
    toggle("commands", !over);
    toggle("move", !over);
  }
  function toggle(id, on) { const el = document.getElementById(id); if (el) el.hidden = !on; }

  async function refresh() {
    let response;
    try { response = await fetch(base + "/live", { headers: headers(), cache: "no-store" }); }
    catch (e) { return; }  // offline: the next poll tries again
    if (response.status === 409) { window.location.reload(); return; }
    if (!response.ok) return;
    const html = await response.text();
    const holder = document.createElement("div");
    holder.innerHTML = html;
    const next = holder.firstElementChild, now = live();
    if (!next || !now) return;
    if (next.dataset.version !== now.dataset.version) {
      const hadFocus = now.contains(document.activeElement) ||
        document.activeElement === document.body;
      now.replaceWith(next);
      announce(next);
      bindForms(next);
      showControls();
      if (hadFocus) focusNewest();
    } else {
      const c = next.querySelector("#countdown"), old = document.getElementById("countdown");
      if (c && old) old.dataset.left = c.dataset.left;  // resynchronise with the server
    }
  }

  // The live part is replaced as a whole, so screen readers hear the newest message from a
  // status region that stays in place.
  function announce(el) {
    const items = el.querySelectorAll(".messages > .message");
    const region = document.getElementById("announce");
    if (items.length && region) region.textContent = items[items.length - 1].textContent;
  }

  function focusNewest() {
    const buttons = live().querySelectorAll(".buttons button");
    if (buttons.length) { buttons[0].focus(); return; }
    const answer = document.querySelector("#record:not([hidden]) button:not([hidden]), " +
                                          "#text-answer:not([hidden]) textarea");
    if (answer) { answer.focus(); return; }
    const items = live().querySelectorAll(".message");
    if (items.length) { const last = items[items.length - 1]; last.tabIndex = -1; last.focus(); }
  }

  function tick() {
    const c = document.getElementById("countdown");
    if (!c) return;
    const left = Math.max(0, Number(c.dataset.left) - 1);
    c.dataset.left = String(left);
    c.textContent = c.dataset.template.replace("{what}", c.dataset.what)
      .replace("{time}", clock(left));
    // The answer window is over (by the server's clock): what was recorded is sent.
    if (left === 0 && live().dataset.phase === "answering" && recording && !recording.stopped) {
      stopRecording();
    }
  }

  // ---- forms -----------------------------------------------------------------------------
  function bindForms(scope) {
    scope.querySelectorAll("form").forEach(function (form) {
      if (form.dataset.bound || form.action.endsWith("/move")) return;
      form.dataset.bound = "1";
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        post(form);
      });
    });
  }

  async function post(form) {
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: "POST", headers: headers(), body: new URLSearchParams(new FormData(form)) });
      const body = await response.json().catch(function () { return {}; });
      if (!response.ok) { say(body.why || text("not_through")); }
      else if (form.id === "text-form") { form.reset(); count(); }
    } catch (e) {
      say(text("offline"));
    } finally {
      if (button) button.disabled = false;
    }
    await refresh();
  }

  function count() {
    const area = document.getElementById("answer-text");
    const out = document.getElementById("word-count");
    if (!area || !out) return;
    const words = area.value.trim() ? area.value.trim().split(/\s+/).length : 0;
    out.textContent = words === 1 ? text("one_word") : text("words", { count: words });
  }

  // ---- recording -------------------------------------------------------------------------
  function pickType(video) {
    const types = video ? ["video/webm;codecs=vp8,opus", "video/webm", "video/mp4"]
                        : ["audio/webm;codecs=opus", "audio/webm", "audio/mp4"];
    return types.find(function (t) { return MediaRecorder.isTypeSupported(t); }) || "";
  }
  function newId() {
    const bytes = new Uint8Array(12); crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  async function startRecording(video) {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia(
        video ? { audio: true, video: { facingMode: "user", width: { ideal: 640 } } }
              : { audio: true });
    } catch (e) {
      say(text(video ? "no_camera" : "no_microphone")); return;
    }
    const type = pickType(video);
    const recorder = new MediaRecorder(stream, Object.assign(
      { audioBitsPerSecond: 64000, videoBitsPerSecond: 1000000 }, type ? { mimeType: type } : {}));
    recording = { id: newId(), seq: 0, queue: [], stopped: false, recorder: recorder,
                  stream: stream, started: Date.now(), pumping: false };
    const preview = document.getElementById("preview");
    if (video && preview) { preview.srcObject = stream; preview.hidden = false; preview.play(); }
    recorder.ondataavailable = function (event) {
      const blob = event.data;
      for (let at = 0; at < blob.size; at += PIECE) {
        recording.queue.push({ seq: recording.seq++, blob: blob.slice(at, at + PIECE) });
      }
      pump(recording);
    };
    recorder.onstop = function () { recording.stopped = true; pump(recording); };
    recorder.start(CHUNK_MS);
    showControls();
    document.getElementById("rec-stop").focus();
    say(text("recording"));
  }

  function stopRecording() {
    if (!recording || recording.stopped) return;
    recording.recorder.stop();
    recording.stream.getTracks().forEach(function (t) { t.stop(); });
    const preview = document.getElementById("preview");
    if (preview) { preview.hidden = true; preview.srcObject = null; }
    showControls();
    say(text("uploading"));
  }

  async function send(url, init) {  // retried with backoff until the server has it
    for (let delay = 500; ; delay = Math.min(delay * 2, 8000)) {
      try {
        const response = await fetch(url, init);
        if (response.ok || (response.status >= 400 && response.status < 500 &&
                            response.status !== 408 && response.status !== 429)) return response;
      } catch (e) { /* offline: try again */ }
      say(text("connection_lost"));
      await wait(delay);
    }
  }

  async function pump(rec) {
    if (rec.pumping) return;
    rec.pumping = true;
    try {
      while (rec.queue.length) {
        const piece = rec.queue[0];
        const url = base + "/chunk?rec=" + rec.id + "&seq=" + piece.seq;
        const response = await send(url, { method: "POST", headers: headers(
          { "Content-Type": "application/octet-stream" }), body: piece.blob });
        if (!response.ok) { return failed(rec, response); }
        rec.queue.shift();
        if (!rec.stopped) {
          say(text("recording_for", { time: clock(Math.round((Date.now() - rec.started) / 1000)) }));
        } else say(text("uploading_left", { count: rec.queue.length }));
      }
      if (rec.stopped) await finish(rec);
    } finally { rec.pumping = false; }
  }

  async function finish(rec) {
    const response = await send(base + "/finish", { method: "POST", headers: headers(
      { "Content-Type": "application/json" }), body: JSON.stringify({ rec: rec.id, count: rec.seq }) });
    if (!response.ok) { return failed(rec, response); }
    recording = null;
    say(text("saved"));
    showControls();
    await refresh();
  }

  async function failed(rec, response) {
    const body = await response.json().catch(function () { return {}; });
    recording = null;
    say(body.why || text("not_sent"));
    showControls();
  }

  // ---- a file answer: the same chunks, retries and joining as a recording --------------
  async function sendFile() {
    const input = document.getElementById("answer-file");
    const status = document.getElementById("file-status");
    const file = input.files && input.files[0];
    if (!file) { status.textContent = text("choose_file"); input.focus(); return; }
    const id = newId();
    let seq = 0;
    for (let at = 0; at < file.size; at += PIECE) {
      const response = await send(base + "/chunk?rec=" + id + "&seq=" + seq, {
        method: "POST", headers: headers({ "Content-Type": "application/octet-stream" }),
        body: file.slice(at, at + PIECE) });
      if (!response.ok) { status.textContent = (await response.json()).why; return; }
      seq += 1;
      status.textContent = text("uploading_percent",
        { percent: Math.round(100 * Math.min(1, (at + PIECE) / file.size)) });
    }
    const response = await send(base + "/finish", { method: "POST", headers: headers(
      { "Content-Type": "application/json" }),
      body: JSON.stringify({ rec: id, count: seq, document: true, name: file.name }) });
    const body = await response.json().catch(function () { return {}; });
    status.textContent = response.ok ? text("saved") : (body.why || text("not_sent"));
    if (response.ok) input.value = "";
    await refresh();
  }

  // ---- device check ----------------------------------------------------------------------
  async function deviceCheck() {
    const status = document.getElementById("check-status");
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      const preview = document.getElementById("check-preview");
      preview.srcObject = stream; preview.play();
      const context = new AudioContext();
      const analyser = context.createAnalyser();
      context.createMediaStreamSource(stream).connect(analyser);
      const data = new Uint8Array(analyser.fftSize);
      const meter = document.getElementById("level");
      setInterval(function () {
        analyser.getByteTimeDomainData(data);
        let peak = 0;
        data.forEach(function (v) { peak = Math.max(peak, Math.abs(v - 128) / 128); });
        meter.value = peak; meter.textContent = Math.round(peak * 100) + "%";
      }, 200);
      status.textContent = text("check_works");
      document.getElementById("check-start").hidden = true;
    } catch (e) {
      status.textContent = text("check_failed");
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    const check = document.getElementById("check-start");
    if (check) check.addEventListener("click", deviceCheck);
    if (!live()) return;
    bindForms(main);
    showControls();
    const area = document.getElementById("answer-text");
    if (area) { area.addEventListener("input", count); count(); }
    document.getElementById("rec-voice").addEventListener("click", function () { startRecording(false); });
    document.getElementById("rec-video").addEventListener("click", function () { startRecording(true); });
    document.getElementById("rec-stop").addEventListener("click", stopRecording);
    document.getElementById("file-send").addEventListener("click", sendFile);
    setInterval(tick, 1000);
    setInterval(function () { if (document.visibilityState === "visible") refresh(); }, POLL_MS);
  });
})();
