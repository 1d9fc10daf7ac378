// values-table.mjs [--write]: the chart README's table of values, generated from the
// "## @param name description" lines of values.yaml and the values themselves.
// Prints it, or with --write replaces the part of helm/fcgi-users/README.md between
// "<!-- values:start -->" and "<!-- values:end -->" (make helm-readme).
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const modules = process.env.HELM_TOOLS_MODULES || join(root, ".tools/helm/node_modules");
const { parse } = await import(pathToFileURL(join(modules, "yaml/dist/index.js")).href);
const valuesFile = join(root, "helm/fcgi-users/values.yaml");
const readme = join(root, "helm/fcgi-users/README.md");
const text = readFileSync(valuesFile, "utf8");
const values = parse(text);

const get = (path) => path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), values);
const cell = (s) => s.replace(/\|/g, "\\|");
const rows = [];
let section = "";
for (const line of text.split("\n")) {
  const sec = /^\s*## @section (.*)$/.exec(line);
  if (sec) {
    rows.push(`| **${cell(sec[1])}** | | |`);
    section = sec[1];
    continue;
  }
  const m = /^\s*## @param (\S+) (.*)$/.exec(line);
  if (!m) continue;
  const v = get(m[1]);
  if (v === undefined) throw new Error(`@param ${m[1]}: no such value in values.yaml`);
  let shown = JSON.stringify(v);
  if (shown.length > 60) shown = JSON.stringify(v).slice(0, 57) + "...";
  rows.push(`| \`${m[1]}\` | ${cell(m[2])} | \`${cell(shown)}\` |`);
}
void section;
const table = ["| Name | Description | Default |", "| --- | --- | --- |", ...rows].join("\n");

if (process.argv[2] === "--write" || process.argv[2] === "--check") {
  const old = readFileSync(readme, "utf8");
  const re = /(<!-- values:start -->\n)[\s\S]*?(<!-- values:end -->)/;
  if (!re.test(old)) throw new Error(`${readme}: no values:start/values:end markers`);
  const updated = old.replace(re, `$1${table}\n$2`);
  if (process.argv[2] === "--check") {
    if (updated !== old) {
      console.error("helm/fcgi-users/README.md: the values table is out of date: run 'make helm-readme'");
      process.exit(1);
    }
  } else writeFileSync(readme, updated);
} else console.log(table);
