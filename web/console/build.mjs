// Builds the console into internal/impl/console/dist (committed, embedded in
// the binary): one minified script, one stylesheet, index.html. The output
// depends only on the sources and package-lock.json, so make test can rebuild
// it and fail on drift.
import * as esbuild from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const out = process.argv[2] ?? "../../internal/impl/console/dist";
rmSync(out, { recursive: true, force: true });
mkdirSync(out + "/assets", { recursive: true });
await esbuild.build({
  entryPoints: { app: "src/main.tsx" },
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2022"],
  jsx: "automatic",
  jsxImportSource: "preact",
  outdir: out + "/assets",
  legalComments: "none",
  logLevel: "warning",
});
// uPlot's stylesheet and ours, in one file.
const css = readFileSync("node_modules/uplot/dist/uPlot.min.css", "utf8") + "\n" + readFileSync("src/style.css", "utf8");
const built = await esbuild.transform(css, { loader: "css", minify: true });
writeFileSync(out + "/assets/app.css", built.code);
copyFileSync("src/index.html", out + "/index.html");
let gz = 0;
for (const f of ["index.html", "assets/app.js", "assets/app.css"]) gz += gzipSync(readFileSync(`${out}/${f}`), { level: 9 }).length;
console.log(`console built into ${out}: ${(gz / 1024).toFixed(1)} KB gzipped`);
if (gz > 250 * 1024) {
  console.error("the console exceeds its 250 KB gzipped budget");
  process.exit(1);
}
