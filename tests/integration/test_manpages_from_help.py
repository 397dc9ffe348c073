#!/usr/bin/python3
"""The manual pages are made from what each built program declares (man/make-manpage): every
long option its --help lists (for cusaxctl, every command and each command's options too) and
every key of the configuration sections it reads appear in the rendered page, groff has
nothing to warn about, and the page carries the program's version.

Environment: CUSAX_BUILD_DIR (the build directory) and CUSAX_SOURCE_DIR (the tree), as ctest
sets them. Needs man-db (man -l) and python3."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("CUSAX_SOURCE_DIR", os.path.normpath(os.path.join(HERE, "../..")))
BUILD = os.environ.get("CUSAX_BUILD_DIR", os.path.join(SOURCE, "build"))
MAKE_MANPAGE = os.path.join(SOURCE, "man", "make-manpage")
SKIP = 77

# program, its path in the build, the page's section, the configuration sections it reads
PAGES = (
    ("cusax-sip-proxy", "sip-proxy/cusax-sip-proxy", 8, ("log", "store", "sip-proxy")),
    ("cusax-xmpp-component", "xmpp-component/cusax-xmpp-component", 8,
     ("log", "store", "xmpp-component")),
    ("cusaxctl", "cusaxctl/cusaxctl", 1, ("log", "store", "cusaxctl")),
)
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)
    return condition


def output(*args):
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=True).stdout


def long_options(help_text):
    return set(re.findall(r"(?<![\w-])--[a-z][\w-]*", help_text))


def commands(help_text):
    """The commands cusaxctl's --help lists under "Commands:"."""
    block = help_text.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    return [row.split()[0] for row in block.split("\n") if row.strip()]


def keys(markdown, section):
    """The keys of one section of --dump-config=markdown."""
    part = markdown.split(f"### `[{section}]`", 1)[1].split("\n### ", 1)[0]
    return re.findall(r"^\| `([\w]+)` \|", part, re.M)


def render(page):
    """The page as man shows it, on one long line per paragraph (no hyphenation at line ends),
    minus signs as ASCII, and what groff warned about."""
    env = dict(os.environ, MANWIDTH="1000", LC_ALL="C.UTF-8")
    env.pop("MAN_KEEP_FORMATTING", None)  # any value keeps the overstrikes
    out = subprocess.run(["man", "--warnings", "-l", page], capture_output=True, text=True,
                         timeout=60, env=env)
    text = out.stdout.replace("\u2212", "-").replace("\u2010", "-")
    return out.returncode, text, out.stderr


def main():
    if not shutil.which("man"):
        print("SKIP: man (man-db) not installed")
        sys.exit(SKIP)
    work = tempfile.mkdtemp(prefix="cusax-manpages-")
    for name, relative, section, sections in PAGES:
        program = os.path.join(BUILD, relative)
        if not os.access(program, os.X_OK):
            print(f"SKIP: {program} not built")
            sys.exit(SKIP)
        page = os.path.join(work, f"{name}.{section}")
        made = subprocess.run([sys.executable, MAKE_MANPAGE, program,
                               os.path.join(SOURCE, "man", f"{name}.{section}.in"), page],
                              capture_output=True, text=True, timeout=120)
        if not check(made.returncode == 0, f"{name}: make-manpage ran ({made.stderr.strip()})"):
            continue
        status, text, warnings = render(page)
        check(status == 0 and not warnings.strip(), f"{name}: man renders it without a warning"
              f" ({warnings.strip()[:300]})")
        help_text = output(program, "--help")
        wanted = long_options(help_text)
        if name == "cusaxctl":
            for command in commands(help_text):
                check(re.search(rf"^ +{re.escape(command)}$", text, re.M) is not None,
                      f"cusaxctl: command {command} has its own part")
                wanted |= long_options(output(program, command, "--help"))
        missing = sorted(o for o in wanted if o not in text)
        check(not missing, f"{name}: every option of --help is in the page (missing: {missing})")
        markdown = output(program, "--dump-config=markdown")
        for config_section in sections:
            check(f"[{config_section}]" in text, f"{name}: the page has [{config_section}]")
            absent = [k for k in keys(markdown, config_section)
                      if not re.search(rf"^ +{k}\b", text, re.M)]
            check(not absent, f"{name}: every key of [{config_section}] is described (missing: "
                  f"{absent})")
        version = output(program, "--version").split()[-1]
        check(f"cusax {version}" in text, f"{name}: the page names version {version}")
    if failures:
        print(f"FAIL: {len(failures)} check(s); pages kept in {work}")
        sys.exit(1)
    shutil.rmtree(work)
    print("PASS: manual pages carry every option, command and key the programs declare")


if __name__ == "__main__":
    main()
