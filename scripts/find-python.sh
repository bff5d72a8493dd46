#!/usr/bin/env bash
# Prints the path of a working Python 3.10 interpreter (Rasa 3.6 needs 3.10, not 3.11).
# A pyenv shim named python3.10 may exist without being runnable, so each candidate is tried.
set -u
candidates=("${PYTHON310:-}" python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10)
if command -v pyenv >/dev/null 2>&1; then
  for d in "$(pyenv root)"/versions/3.10*; do candidates+=("$d/bin/python3.10"); done
fi
for d in "$HOME"/.pyenv/versions/3.10*; do candidates+=("$d/bin/python3.10"); done
for c in "${candidates[@]}"; do
  [ -n "$c" ] || continue
  if "$c" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
    command -v "$c" 2>/dev/null || echo "$c"
    exit 0
  fi
done
echo "No Python 3.10 found: install python3.10 (e.g. apt-get install python3.10 python3.10-venv) or set PYTHON310=/path/to/python3.10" >&2
exit 1
