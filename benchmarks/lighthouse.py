"""Lighthouse in its mobile mode on the home, catalog, program, list, explanation, strategy, map,
SOAP and what-if pages, served as in production: gunicorn, DEBUG off, static files collected and
compressed by whitenoise.

    .venv/bin/python benchmarks/lighthouse.py [--port 8117] [--postgres] [--write]

Needs Node.js with npm and Debian's Chromium (CHROME_PATH, default /usr/bin/chromium). The npm
package `lighthouse` (pinned below) is installed once into LIGHTHOUSE_DIR (default
/tmp/rp-lighthouse-<version>), never into the repository. The applicant's pages are
opened by one applicant (the persona, with her list built) through a session cookie passed with
--extra-headers. Each page is fetched a few times first, so
that both workers have built their cached parts, as for a returning visitor. Prints the four
scores per page, and the audits that cost points; --write also
puts them in benchmarks/RESULTS.md under "Lighthouse". The JSON reports stay in the printed
folder.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import _django
from ceiling_bench import core_profile
from load_test import logged_in_session

ROOT = _django.ROOT
LIGHTHOUSE_VERSION = "12.8.2"  # 13.x needs Node 22; Debian 12 ships Node 20
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SECTION = "## Lighthouse"


def lighthouse_binary() -> Path:
    folder = Path(os.environ.get("LIGHTHOUSE_DIR", f"/tmp/rp-lighthouse-{LIGHTHOUSE_VERSION}"))
    binary = folder / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        folder.mkdir(parents=True, exist_ok=True)
        print(f"Installing lighthouse@{LIGHTHOUSE_VERSION} into {folder} ...", flush=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent",
                        f"lighthouse@{LIGHTHOUSE_VERSION}"], cwd=folder, check=True)
    return binary


def pages() -> tuple[list[tuple[str, str, bool]], str]:
    """(name, path, needs the session) for each page, and the applicant's session key."""
    from programs.models import Program
    from tiering.lists import list_recompute
    from tiering.models import ListEntry

    profile = core_profile()
    list_recompute(profile)
    entry = (ListEntry.objects.filter(profile=profile).select_related("program")
             .order_by("-score").first())
    program = entry.program.acgme_id
    anyone = Program.objects.filter(specialty__code="140", state="TX").order_by("name").first()
    return [
        ("home", "/", False),
        ("catalog", "/programs/?specialty=140&state=TX&border=on", False),
        ("program", f"/programs/{anyone.acgme_id}/", False),
        ("list", f"/applicants/{profile.pk}/list/", True),
        ("explanation", f"/applicants/{profile.pk}/programs/{program}/", True),
        ("strategy", f"/applicants/{profile.pk}/strategy/", True),
        ("map", f"/applicants/{profile.pk}/strategy/map/", True),
        ("SOAP", f"/applicants/{profile.pk}/soap/", True),
        ("what-ifs", f"/applicants/{profile.pk}/list/what-if/", True),
    ], logged_in_session(profile.user)


def fetch(port: int, path: str, session: str | None) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", path, headers={"Cookie": f"sessionid={session}"} if session else {})
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}")


def run_lighthouse(binary: Path, url: str, out: Path, headers: Path | None) -> dict:
    command = [str(binary), url, "--quiet", "--output=json", f"--output-path={out}",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"]
    if headers:
        command.append(f"--extra-headers={headers}")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    # Lighthouse now and then loses the page load's trace (NO_NAVSTART) on a busy machine: it
    # says to run it again, so the script does, twice at most.
    for attempt in range(3):
        if subprocess.run(command, env=env).returncode == 0:
            return json.loads(out.read_text())
        print(f"    Lighthouse failed on {url}; again ({attempt + 1} of 2)", flush=True)
    raise SystemExit(f"Lighthouse failed three times on {url}")


def summary(report: dict) -> tuple[dict[str, int], list[str]]:
    """The four scores out of 100, and the audits that cost points, with Lighthouse's figure."""
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    lost = []
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                shown = audit.get("displayValue") or ""
                lost.append(f"{name}: {audit['title']} ({audit['score']:.2f}{', ' if shown else ''}"
                            f"{shown})")
    return scores, lost


def write_results(rows: list[tuple[str, str, dict, list[str]]], command: str) -> None:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [SECTION, "",
             f"Measured {now} with Lighthouse {LIGHTHOUSE_VERSION} (mobile: emulated Moto G "
             "Power, slow 4G, 4x CPU slowdown) and Debian's Chromium, headless, against gunicorn "
             "(2 workers, DEBUG off, whitenoise-compressed static files) on this machine, by",
             "", f"    {command}", "",
             "Target: performance at least 95; accessibility, best practices and SEO 100.", "",
             "| page | path | performance | accessibility | best practices | SEO |",
             "|---|---|---|---|---|---|"]
    for name, path, scores, _ in rows:
        lines.append(f"| {name} | `{re.sub(r'/[0-9]+/', '/<id>/', path)}` | "
                     + " | ".join(str(scores[c]) for c in CATEGORIES) + " |")
    lost = [(name, item) for name, _, _, items in rows for item in items]
    if lost:
        lines += ["", "Audits that cost points (Lighthouse's own figures):", ""]
        lines += [f"- {name}, {item}" for name, item in lost]
    text = RESULTS.read_text()
    block = "\n".join(lines) + "\n"
    if SECTION in text:
        start = text.index(SECTION)
        following = text.find("\n## ", start + len(SECTION))
        text = text[:start] + block + (text[following + 1:] if following != -1 else "")
        text = text.replace(block + "## ", block + "\n## ")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    RESULTS.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8117)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    parser.add_argument("--only", help="comma-separated page names, e.g. list,explanation")
    args = parser.parse_args()
    binary = lighthouse_binary()
    # The session is made here and read by gunicorn: both sign with the same key.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    url = _django.setup(postgres=args.postgres, name="rp_lighthouse")
    targets, session = pages()
    if args.only:
        targets = [t for t in targets if t[0] in args.only.split(",")]
    rows = []
    with _django.production_server(url, args.port) as work:
        headers = work / "headers.json"
        headers.write_text(json.dumps({"Cookie": f"sessionid={session}"}))
        # Each page once before measuring, in each worker: Lighthouse sees the pages as a
        # returning visitor gets them, their cached parts built.
        for _ in range(4):
            for _, path, private in targets:
                fetch(args.port, path, session if private else None)
        for name, path, private in targets:
            report = run_lighthouse(binary, f"http://127.0.0.1:{args.port}{path}",
                                    work / f"{name}.json", headers if private else None)
            scores, lost = summary(report)
            rows.append((name, path, scores, lost))
            print(f"{name:12} {path:48} " + "  ".join(f"{c} {scores[c]}" for c in CATEGORIES),
                  flush=True)
            for item in lost:
                print(f"    {item}")
    print(f"Reports: {work}")
    if args.write:
        command = " ".join(["benchmarks/lighthouse.py", *sys.argv[1:]])
        write_results(rows, f".venv/bin/python {command}")


if __name__ == "__main__":
    main()
