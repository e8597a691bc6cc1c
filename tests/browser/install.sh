#!/usr/bin/env bash
# Installs what the browser tests (tests/browser/, tests/test_pdf.py) and PDF reports need:
# Chromium and ChromeDriver from Debian's packages (a browser download is not possible here,
# so Playwright drives this Chromium) and poppler-utils (pdftoppm, pdftotext, pdfinfo); and
# LibreOffice Calc without a GUI (soffice), which tests/test_export.py uses to check that the
# `kam export` workbook opens and converts cleanly; and fonts with Cyrillic glyphs (DejaVu,
# fonts-dejavu-core, found through fontconfig) so that Russian reports print correctly to PDF
# (tests/test_pdf.py and tests/browser/test_browser_languages.py check it with pdftotext).
#
#   bash tests/browser/install.sh      # as root, or with password-less sudo
#
# Exits 0 when everything is present (or was installed), non-zero with a message otherwise.
# KAM_SKIP_BROWSER=1 skips the browser tests on purpose: then this script only says so.
set -euo pipefail

if [ "${KAM_SKIP_BROWSER:-}" = "1" ]; then
    echo "install.sh: KAM_SKIP_BROWSER=1 is set: browser tests will be skipped; nothing installed"
    exit 0
fi

missing() {
    local need=()
    command -v chromium >/dev/null 2>&1 || need+=(chromium)
    command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
    { command -v pdftoppm && command -v pdftotext && command -v pdfinfo; } >/dev/null 2>&1 \
        || need+=(poppler-utils)
    command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
    command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)
    # a font that covers Russian (Chromium finds fonts through fontconfig)
    [ -n "$(fc-list :lang=ru family 2>/dev/null)" ] || need+=(fonts-dejavu-core)
    echo "${need[@]:-}"
}

need=$(missing)
if [ -z "$need" ]; then
    echo "install.sh: chromium, chromedriver, poppler-utils, LibreOffice Calc and Cyrillic fonts are installed"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    echo "install.sh: cannot install $need: not root and no password-less sudo." >&2
    echo "  Install them yourself: sudo apt-get install -y $need" >&2
    echo "  (or set KAM_SKIP_BROWSER=1 to skip the browser tests on purpose)" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install.sh: cannot install $need: no apt-get on this system." >&2
    echo "  Install Chromium and poppler-utils with your package manager, and point" >&2
    echo "  KAM_CHROMIUM at the Chromium executable (or set KAM_SKIP_BROWSER=1)." >&2
    exit 1
fi

echo "install.sh: installing $need (Debian packages)"
export DEBIAN_FRONTEND=noninteractive
# LibreOffice without its recommends (a desktop's worth of packages); the rest as before
office=""
case " $need " in *" libreoffice-calc-nogui "*) office=libreoffice-calc-nogui ;; esac
rest=${need//libreoffice-calc-nogui/}
# shellcheck disable=SC2086  # $rest is a list of package names
if ! { "${as_root[@]}" apt-get update -qq \
       && { [ -z "${rest// /}" ] || "${as_root[@]}" apt-get install -y -qq $rest; } \
       && { [ -z "$office" ] \
            || "${as_root[@]}" apt-get install -y -qq --no-install-recommends "$office"; }; } \
       >/tmp/kam-browser-install.log 2>&1; then
    tail -n 20 /tmp/kam-browser-install.log >&2
    echo "install.sh: apt-get could not install $need (log: /tmp/kam-browser-install.log)." >&2
    echo "  The browser tests need Chromium: they fail until it is installed." >&2
    exit 1
fi

still=$(missing)
if [ -n "$still" ]; then
    echo "install.sh: $still still missing after apt-get install." >&2
    exit 1
fi
echo "install.sh: installed: $(chromium --version 2>/dev/null | head -n 1)"
