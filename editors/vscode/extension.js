// Starts `pmo lsp` for the YAML files of a workspace that holds a pmo.yaml.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate() {
  const command = vscode.workspace.getConfiguration("pmo").get("path", "pmo");
  const server = { command, args: ["lsp"] };
  client = new LanguageClient("pmo", "pmo", { run: server, debug: server }, {
    documentSelector: [{ scheme: "file", language: "yaml" }],
  });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
