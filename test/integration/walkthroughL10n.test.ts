/**
 * The walkthrough's first page goes through the manifest's localisation: its `media.markdown` is a
 * `%key%`, which the editor itself resolves from package.nls*.json (in either host). The editor of this
 * run speaks English, so it resolves to the English page; the German one is checked by the unit test.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('the walkthrough in the editor', () => {
  it("resolves the first step's page through the manifest's l10n, to a file the extension holds", async () => {
    const extension = vscode.extensions.getExtension('init-lens.init-lens')!;
    const manifest = extension.packageJSON as { contributes: { walkthroughs: { steps: { media: { markdown?: string } }[] }[] } };
    const page = manifest.contributes.walkthroughs[0]!.steps[0]!.media.markdown;
    assert.equal(page, 'media/walkthrough/open-example.md', 'the editor put the English path in place of the %key%');
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extension.extensionUri, page)));
    assert.match(text, /^# A deep ReLU MLP/);
  });
});
