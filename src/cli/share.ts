import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { renderUnicodeCompact } from "uqr";

/** Names at the top of `directory` that dotfiles rules hide (`.well-known` is served), sorted. */
export function hiddenNames(directory: string): string[] {
  try {
    return readdirSync(directory)
      .filter((n) => n.startsWith(".") && n !== ".well-known")
      .sort();
  } catch {
    return [];
  }
}

/** The command that opens a URL in the default browser on this platform. */
export function openCommand(platform: NodeJS.Platform, url: string): [string, string[]] {
  if (platform === "darwin") return ["open", [url]];
  if (platform === "win32") return ["cmd", ["/c", "start", '""', url]];
  return ["xdg-open", [url]];
}

/**
 * Opens `url` in the default browser (`-o/--open`), detached; a machine
 * without one (no xdg-open, no display) is not an error: nothing happens.
 */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): void {
  const [cmd, args] = openCommand(platform, url);
  try {
    const child = spawn(cmd, args, { stdio: "ignore", detached: true, windowsHide: true });
    child.on("error", () => {});
    child.unref();
  } catch {
    // no way to open a browser here
  }
}

/** A QR code of `url` for the terminal (`--qr`), two modules a character (uqr). */
export function qrCode(url: string): string {
  return renderUnicodeCompact(url, { border: 1 }) + "\n";
}
