/// The page served at `/`: one self-contained HTML document (no CDN, no external fonts or
/// scripts; everything inline) that sends the chosen or dropped images to `/v1/detect`,
/// shows each with its probability as a bar, the verdict and the model, and fetches its
/// spectrum from `/v1/spectrum` on demand. Every control is a native, focusable element
/// (Tab, Enter, Space work); results and errors are announced through a live region.
enum WebPage {
    /// Only inline script and style, requests to this origin, images from this origin or
    /// blob:/data: URLs; no framing.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' blob: data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

    static let html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>CNNSpot: is this image CNN-generated?</title>
        <style>
        :root { --fg:#1b1f23; --muted:#57606a; --bg:#f6f8fa; --card:#fff; --line:#d0d7de; --fake:#c2410c; --real:#15803d; --unc:#a16207; --focus:#0969da; }
        * { box-sizing: border-box; }
        body { margin:0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
        header, main, footer { max-width: 960px; margin: 0 auto; padding: 12px 20px; }
        h1 { font-size: 1.5rem; margin: 12px 0 4px; }
        p.lead { margin: 0 0 8px; color: var(--muted); }
        form { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px; display: grid; gap: 12px; }
        #drop { border: 2px dashed var(--line); border-radius: 8px; padding: 24px; text-align: center; cursor: pointer; background: #fbfcfd; }
        #drop.over { border-color: var(--focus); background: #eef6ff; }
        .row { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; }
        label { font-weight: 600; }
        input, select, button { font: inherit; }
        button { padding: 6px 14px; border-radius: 6px; border: 1px solid var(--line); background: #f3f4f6; cursor: pointer; }
        button.primary { background: #1f6feb; color: #fff; border-color: #1f6feb; }
        button:disabled { opacity: .6; cursor: default; }
        :focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
        #status { min-height: 1.5em; color: var(--muted); }
        #status.error, .error-text { color: #b42318; font-weight: 600; }
        #results { list-style: none; padding: 0; display: grid; gap: 12px; margin: 16px 0; }
        .result { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px; display: grid; grid-template-columns: 128px 1fr; gap: 14px; }
        .result img.thumb { width: 128px; height: 128px; object-fit: contain; background: #eee; border-radius: 4px; }
        .name { font-weight: 600; word-break: break-all; }
        .bar { position: relative; height: 22px; background: #e5e7eb; border-radius: 11px; overflow: hidden; margin: 6px 0; }
        .bar > span { position: absolute; inset: 0 auto 0 0; background: var(--muted); }
        .bar .mark { position: absolute; top: 0; bottom: 0; width: 2px; background: #111; }
        .verdict { display: inline-block; padding: 1px 10px; border-radius: 10px; color: #fff; font-weight: 700; text-transform: uppercase; font-size: .85rem; }
        .verdict.fake { background: var(--fake); } .verdict.real { background: var(--real); } .verdict.uncertain { background: var(--unc); }
        .bar.fake > span { background: var(--fake); } .bar.real > span { background: var(--real); } .bar.uncertain > span { background: var(--unc); }
        .meta { color: var(--muted); font-size: .9rem; }
        .spectrum img { max-width: 100%; margin-top: 8px; border: 1px solid var(--line); }
        footer { color: var(--muted); font-size: .85rem; }
        .sr-only { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); white-space:nowrap; }
        </style>
        </head>
        <body>
        <header>
        <h1>CNNSpot</h1>
        <p class="lead">Checks whether images were made by a convolutional generator (GANs, image-to-image and super-resolution networks), after Wang et al., CVPR 2020. The score is a probability, not proof.</p>
        <p class="meta" id="model">Model: loading&hellip;</p>
        </header>
        <main>
        <form id="form" novalidate>
          <div id="drop" tabindex="0" role="button" aria-describedby="drophelp">
            <strong>Drop images here</strong> or press Enter to choose files
            <div id="drophelp" class="meta">JPEG, PNG or WebP; one or many.</div>
          </div>
          <div class="row">
            <label for="files">Images</label>
            <input id="files" name="files" type="file" accept="image/jpeg,image/png,image/webp" multiple>
          </div>
          <div class="row">
            <label for="crop">Crop</label>
            <select id="crop" name="crop">
              <option value="none" selected>Full image (recommended)</option>
              <option value="224">Center crop 224 (the paper's setting)</option>
            </select>
            <label for="token">Token</label>
            <input id="token" type="password" autocomplete="off" placeholder="only if the server needs one" size="24">
          </div>
          <div class="row">
            <button id="check" class="primary" type="submit">Check images</button>
            <button id="clear" type="button">Clear</button>
          </div>
          <div id="status" role="status" aria-live="polite"></div>
        </form>
        <ol id="results" aria-label="Results"></ol>
        </main>
        <footer>Served by <code>cnnspot serve</code>. API: <code>POST /v1/detect</code>, <code>POST /v1/spectrum</code>, <code>GET /v1/models</code> (see docs/API.md).</footer>
        <script>
        "use strict";
        const $ = (id) => document.getElementById(id);
        const files = $("files"), drop = $("drop"), statusBox = $("status"), results = $("results");
        let chosen = [];
        const token = $("token");
        token.value = sessionStorage.getItem("cnnspot-token") || "";
        token.addEventListener("change", () => sessionStorage.setItem("cnnspot-token", token.value));

        function headers() { return token.value ? { "Authorization": "Bearer " + token.value } : {}; }
        function say(text, isError) { statusBox.textContent = text; statusBox.className = isError ? "error" : ""; }

        const plain = {
          body_too_large: "The upload is larger than the server accepts.",
          too_many_pixels: "The image has more pixels than the server accepts.",
          unsupported_image: "This is not a JPEG, PNG or WebP image the server can read.",
          unsupported_media_type: "The server only accepts JPEG, PNG or WebP images.",
          truncated_image: "The image file is cut short (truncated).",
          undecodable_image: "The image file is damaged and cannot be read.",
          empty_image: "The file is empty.",
          image_too_small: "The image is too small to check (at least 32x32 pixels).",
          queue_full: "The server is busy; try again in a moment.",
          server_busy: "The server is busy; try again in a moment.",
          timeout: "The server took too long to answer; try again.",
          upload_timeout: "The upload took too long.",
          unauthorized: "The server needs a token: enter it in the Token field.",
          too_many_files: "Too many images in one go; choose fewer.",
          too_many_parts: "Too many parts in one upload; choose fewer images."
        };
        function explain(err) {
          if (!err) return "Unknown error.";
          return (plain[err.code] || "The server could not check this image.") + " (" + err.message + ")";
        }

        async function loadModel() {
          try {
            const r = await fetch("/v1/models", { headers: headers() });
            const j = await r.json();
            if (!r.ok) { $("model").textContent = "Model: " + explain(j.error); return; }
            const m = j.models[0];
            const band = m.uncertain_low != null ? ", uncertain between " + m.uncertain_low + " and " + m.uncertain_high : "";
            $("model").textContent = "Model: " + m.name + " (" + m.architecture + ", threshold " + m.threshold + band + ")";
          } catch (e) { $("model").textContent = "Model: the server cannot be reached."; }
        }

        function choose(list) {
          chosen = Array.from(list).filter((f) => f.size > 0 || true);
          say(chosen.length ? chosen.length + " image(s) chosen. Press \\u201cCheck images\\u201d." : "");
        }
        files.addEventListener("change", () => choose(files.files));
        drop.addEventListener("click", () => files.click());
        drop.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); files.click(); } });
        drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
        drop.addEventListener("dragleave", () => drop.classList.remove("over"));
        drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); choose(e.dataTransfer.files); $("form").requestSubmit(); });
        $("clear").addEventListener("click", () => { chosen = []; files.value = ""; results.replaceChildren(); say(""); });

        function el(tag, cls, text) { const e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }

        function render(file, r, index) {
          const li = el("li", "result");
          li.dataset.name = file.name;
          const img = el("img", "thumb"); img.alt = "preview of " + file.name; img.src = URL.createObjectURL(file);
          const body = el("div");
          body.append(el("div", "name", file.name));
          if (r.error) {
            li.dataset.error = r.error.code;
            body.append(el("p", "error-text", explain(r.error)));
          } else {
            const pct = (r.probability * 100).toFixed(1);
            li.dataset.probability = String(r.probability);
            li.dataset.logit = String(r.logit);
            li.dataset.verdict = r.verdict;
            const line = el("div");
            const v = el("span", "verdict " + r.verdict, r.verdict);
            line.append(v, document.createTextNode(" probability CNN-generated: "));
            const p = el("strong", "probability", pct + "%"); line.append(p);
            const bar = el("div", "bar " + r.verdict);
            bar.setAttribute("role", "img"); bar.setAttribute("aria-label", "probability " + pct + " percent, threshold " + (r.threshold * 100).toFixed(1) + " percent");
            const fill = el("span"); fill.style.width = pct + "%"; bar.append(fill);
            const mark = el("span", "mark"); mark.style.left = (r.threshold * 100) + "%"; bar.append(mark);
            body.append(line, bar);
            body.append(el("div", "meta", r.width + "\\u00d7" + r.height + " " + r.format + ", crop " + r.crop + ", logit " + r.logit.toFixed(4) +
              ", threshold " + r.threshold + ", model " + r.model.name + " (" + r.model.architecture + ")" +
              ", " + (r.timing_ms.decode + r.timing_ms.queue + r.timing_ms.infer).toFixed(0) + " ms"));
            const sp = el("div", "spectrum");
            const b = el("button", "", "Show spectrum"); b.type = "button";
            b.setAttribute("aria-label", "Show the artifact spectrum of " + file.name);
            b.addEventListener("click", () => spectrum(file, sp, b));
            sp.append(b);
            body.append(sp);
          }
          li.append(img, body);
          return li;
        }

        async function spectrum(file, box, button) {
          button.disabled = true; button.textContent = "Computing spectrum\\u2026";
          try {
            const r = await fetch("/v1/spectrum", { method: "POST", headers: Object.assign({ "Content-Type": file.type || "application/octet-stream" }, headers()), body: file });
            if (!r.ok) { const j = await r.json(); box.append(el("p", "error-text", explain(j.error))); button.remove(); return; }
            const img = el("img"); img.alt = "residual spectrum of " + file.name + ": bright periodic peaks suggest up-sampling artifacts";
            img.src = URL.createObjectURL(await r.blob());
            button.remove(); box.append(img);
          } catch (e) { box.append(el("p", "error-text", "The server cannot be reached.")); button.remove(); }
        }

        $("form").addEventListener("submit", async (e) => {
          e.preventDefault();
          if (!chosen.length) { say("Choose or drop one or more images first.", true); files.focus(); return; }
          const form = new FormData();
          for (const f of chosen) form.append("file", f, f.name);
          $("check").disabled = true;
          say("Checking " + chosen.length + " image(s)\\u2026");
          try {
            const r = await fetch("/v1/detect?crop=" + encodeURIComponent($("crop").value), { method: "POST", headers: headers(), body: form });
            let j; try { j = await r.json(); } catch (_) { j = null; }
            if (!r.ok) { say(explain(j && j.error), true); return; }
            results.replaceChildren(...j.results.map((res, i) => render(chosen[i], res, i)));
            const bad = j.results.filter((x) => x.error).length;
            say("Checked " + (j.results.length - bad) + " image(s)" + (bad ? "; " + bad + " could not be checked." : "."), bad > 0);
          } catch (err) {
            say("The server cannot be reached.", true);
          } finally { $("check").disabled = false; }
        });
        loadModel();
        </script>
        </body>
        </html>
        """
}
