// ZPL → PNG for the label tests, with zpl-renderer-js (Go "zebrash" compiled to WASM).
// usage: node render.cjs in.zpl out.png widthMm heightMm dotsPerMm [in.zpl out.png w h dpmm ...]
// Several labels may go in one call, so Node's start-up and the WASM load are paid once.
"use strict";
const fs = require("fs");
const { ready } = require("zpl-renderer-js");

(async () => {
  const args = process.argv.slice(2);
  if (args.length === 0 || args.length % 5 !== 0) {
    throw new Error("expected groups of: in.zpl out.png widthMm heightMm dotsPerMm");
  }
  const { api } = await ready;
  for (let i = 0; i < args.length; i += 5) {
    const [input, output, width, height, dpmm] = args.slice(i, i + 5);
    const zpl = fs.readFileSync(input, "utf8");
    const png = await api.zplToBase64Async(zpl, Number(width), Number(height), Number(dpmm));
    fs.writeFileSync(output, Buffer.from(png, "base64"));
  }
  // The WASM runtime keeps the event loop alive, so leave explicitly once done.
  process.exit(0);
})().catch((error) => {
  console.error("render failed:", error);
  process.exit(1);
});
