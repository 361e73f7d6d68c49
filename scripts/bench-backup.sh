#!/usr/bin/env bash
# Measures the peak memory and time of `entraide sauvegarder` (backup, of a stopped bot,
# sealed) and `entraide restaurer` (restore) on a data directory whose Matrix store
# weighs N MiB of random bytes (see README, "Benchmark"). No homeserver: a stopped bot's
# backup reads its files. Needs GNU time (/usr/bin/time).
#
# Usage: scripts/bench-backup.sh [--release] [N, default 200]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

profile=() dir=debug
if [[ "${1:-}" == --release ]]; then
    profile=(--release) dir=release
    shift
fi
mib="${1:-200}"
[[ -x /usr/bin/time ]] || { echo "needs GNU time: /usr/bin/time" >&2; exit 1; }
cargo build --quiet --locked "${profile[@]}" -p entraide --bin entraide
bin="$PWD/target/$dir/entraide"

work="$(mktemp -d "${TMPDIR:-/tmp}/entraide-bench-backup-XXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"
# A plain archive of a stopped bot (description, an empty store, a session, a Matrix
# store of random bytes), restored once to make the data directory measured.
python3 - "$mib" <<'PY'
import io, json, os, sys, tarfile, time
mib = int(sys.argv[1])
with tarfile.open("seed.tar", "w", format=tarfile.GNU_FORMAT) as tar:
    def add(name, data):
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
        tar.addfile(info, io.BytesIO(data))
    user, device = "@entraide:example.org", "BENCH"
    add("sauvegarde.json", json.dumps({"format": 1, "entraide": "bench",
        "made_at": "2026-12-05T12:00:00Z", "user_id": user, "device_id": device,
        "requests": 0, "open_requests": 0}).encode())
    add("store/seed", b"")
    add("matrix/matrix-sdk-state.sqlite3", os.urandom(mib << 20))
    add("session.json", json.dumps({"user_id": user, "device_id": device,
        "access_token": "bench", "refresh_token": None}).encode())
PY
config() {
    printf 'data_dir = "%s"\n%s' "$1" "$2"
    cat <<'TOML'
homeserver = "https://matrix.example.org"
user_id = "@entraide:example.org"
password_env = "ENTRAIDE_PASSWORD"
coordinators = ["@agent:example.org"]
[community]
name = "Bench"
language = "fr"
timezone = "Europe/Paris"
[[neighbourhoods]]
room = "#bench:example.org"
name = "Bench"
TOML
}
sealed='store_passphrase_env = "ENTRAIDE_STORE_PASSPHRASE"
'
config data "" > seed.toml
config data "$sealed" > backup.toml
config restored "$sealed" > restore.toml
export ENTRAIDE_PASSWORD=bench ENTRAIDE_STORE_PASSPHRASE=bench-passphrase
"$bin" --config seed.toml restaurer --entree seed.tar > /dev/null

measure() {
    /usr/bin/time -f '%M %e' -o time.txt "$bin" --config "$@" > /dev/null
    read -r kib seconds < time.txt
    awk -v kib="$kib" -v s="$seconds" 'BEGIN { printf "%.1f MiB | %s s", kib / 1024, s }'
}
echo "| step ($dir build, Matrix store of $mib MiB) | peak RSS | time |"
echo "|---|---|---|"
echo "| backup: \`entraide sauvegarder\` of the stopped bot, sealed | $(measure backup.toml sauvegarder --sortie out.sauvegarde) |"
echo "| restore: \`entraide restaurer\` into an empty data directory | $(measure restore.toml restaurer --entree out.sauvegarde) |"
cmp -s data/matrix/matrix-sdk-state.sqlite3 restored/matrix/matrix-sdk-state.sqlite3 ||
    { echo "the restored Matrix store differs" >&2; exit 1; }
echo "Archive: $(stat -c %s out.sauvegarde) bytes; the restored Matrix store is the same."
