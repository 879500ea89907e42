#!/usr/bin/env bash
# The Pet Store on one backend, through the admin API of a running gateway:
#
#   examples/petstore/setup.sh {sqlite|postgres|mysql|minio|ftp}
#
# Creates and activates the service "petstore-<backend>", creates the pets table on SQL
# backends, then creates, binds (pool_id "petstore"), compiles and starts the five handlers
# of handlers/ at /pets and /pets/{petId}. The handlers are the same on every backend
# (Storage::bound picks the kind of store from the bound service).
#
# Environment (defaults match scripts/services-up.sh):
#   ADMIN=http://127.0.0.1:9081   GATEWAY=http://127.0.0.1:9080
#   ADMIN_TOKEN (default: the file admin-token in REG_DATA_DIR, ./data by default)
#   sqlite relative paths are kept in the gateway data dir's sqlite/ folder
#   sqlite:   PETSTORE_SQLITE_PATH=petstore.db
#   postgres: PG_HOST=127.0.0.1 PG_PORT=5432 PG_DATABASE=test PG_USER=postgres PG_PASSWORD=
#   mysql:    MYSQL_HOST=127.0.0.1 MYSQL_PORT=3306 MYSQL_DATABASE=test MYSQL_USER=root MYSQL_PASSWORD=
#   minio:    S3_ENDPOINT=http://127.0.0.1:9000 S3_ACCESS_KEY=minioadmin S3_SECRET_KEY=minioadmin
#             PETSTORE_BUCKET=petstore
#   ftp:      FTP_HOST=127.0.0.1 FTP_PORT=2121 FTP_USER=svcuser FTP_PASSWORD=svcpass
#             FTP_PROTOCOL=ftp (or ftps, sftp) PETSTORE_FTP_BASE=petstore
set -euo pipefail
backend=${1:-}
here=$(cd "$(dirname "$0")" && pwd)
ADMIN=${ADMIN:-http://127.0.0.1:9081}
# The token the gateway generated in its data dir, unless one is given.
if [ -z "${ADMIN_TOKEN:-}" ] && [ -r "${REG_DATA_DIR:-./data}/admin-token" ]; then
  ADMIN_TOKEN=$(cat "${REG_DATA_DIR:-./data}/admin-token")
fi
GATEWAY=${GATEWAY:-http://127.0.0.1:9080}
say() { printf '[petstore] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
command -v curl >/dev/null || die "curl is required"
command -v python3 >/dev/null || die "python3 is required (JSON handling)"

json() { python3 -c 'import json,sys; print(json.dumps(json.loads(sys.argv[1])))' "$1"; }
field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }
# api METHOD PATH [BODY]: prints the data of an ok envelope, dies with the API's error otherwise
api() {
  local out status
  local auth=()
  [ -z "${ADMIN_TOKEN:-}" ] || auth=(-H "Authorization: Bearer $ADMIN_TOKEN")
  out=$(curl -sS -X "$1" "$ADMIN/api$2" -H 'Content-Type: application/json' "${auth[@]}" \
        ${3:+--data-binary "$3"} -w '\n%{http_code}') || die "admin API at $ADMIN not reachable"
  status=${out##*$'\n'}; out=${out%$'\n'*}
  if [ "$status" -ge 300 ]; then
    die "$1 $2 answered $status: $(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("error"))' 2>/dev/null || printf '%s' "$out")"
  fi
  printf '%s' "$out"
}

case $backend in
  sqlite)   config=$(json "{\"path\": \"${PETSTORE_SQLITE_PATH:-petstore.db}\", \"create_if_missing\": true}"); type=sqlite ;;
  postgres) config=$(json "{\"host\": \"${PG_HOST:-127.0.0.1}\", \"port\": ${PG_PORT:-5432}, \"database\": \"${PG_DATABASE:-test}\", \"username\": \"${PG_USER:-postgres}\", \"password\": \"${PG_PASSWORD:-}\"}"); type=postgres ;;
  mysql)    config=$(json "{\"host\": \"${MYSQL_HOST:-127.0.0.1}\", \"port\": ${MYSQL_PORT:-3306}, \"database\": \"${MYSQL_DATABASE:-test}\", \"username\": \"${MYSQL_USER:-root}\", \"password\": \"${MYSQL_PASSWORD:-}\"}"); type=mysql ;;
  minio)    config=$(json "{\"endpoint\": \"${S3_ENDPOINT:-http://127.0.0.1:9000}\", \"access_key\": \"${S3_ACCESS_KEY:-minioadmin}\", \"secret_key\": \"${S3_SECRET_KEY:-minioadmin}\", \"bucket\": \"${PETSTORE_BUCKET:-petstore}\"}"); type=minio ;;
  ftp)      config=$(json "{\"host\": \"${FTP_HOST:-127.0.0.1}\", \"port\": ${FTP_PORT:-2121}, \"username\": \"${FTP_USER:-svcuser}\", \"password\": \"${FTP_PASSWORD:-svcpass}\", \"protocol\": \"${FTP_PROTOCOL:-ftp}\", \"base_path\": \"${PETSTORE_FTP_BASE:-petstore}\"}"); type=ftp ;;
  *) die "usage: $0 {sqlite|postgres|mysql|minio|ftp}" ;;
esac

say "creating service petstore-$backend ($type)"
body=$(python3 -c 'import json,sys; print(json.dumps({"name": sys.argv[1], "service_type": sys.argv[2], "config": json.loads(sys.argv[3])}))' "petstore-$backend" "$type" "$config")
service=$(api POST /services "$body" | field '["data"]["id"]')
say "activating it (connects to the backend)"
api POST "/services/$service/activate" >/dev/null

# endpoint NAME METHOD PATH FILE: create, bind, compile, start; prints the id
endpoint() {
  local body id
  body=$(python3 -c 'import json,sys; print(json.dumps({"name": sys.argv[1], "method": sys.argv[2], "path": sys.argv[3], "domain": "*", "code": open(sys.argv[4]).read()}))' "$@")
  id=$(api POST /endpoints "$body" | field '["data"]["id"]')
  api POST "/endpoints/$id/services" "{\"service_id\": \"$service\", \"pool_id\": \"petstore\"}" >/dev/null
  say "compiling $2 $3 ($1)"
  api POST "/endpoints/$id/compile" >/dev/null
  api POST "/endpoints/$id/start" >/dev/null
  printf '%s' "$id"
}

if [ "$type" = sqlite ] || [ "$type" = postgres ] || [ "$type" = mysql ]; then
  say "creating the pets table"
  schema=$(endpoint petstore_schema GET "/__petstore_schema_$backend" "$here/handlers/schema.rs")
  out=$(curl -sS "$GATEWAY/__petstore_schema_$backend") || die "gateway at $GATEWAY not reachable"
  case $out in *ready*) ;; *) die "creating the table failed: $out" ;; esac
  api DELETE "/endpoints/$schema" >/dev/null
fi

endpoint list_pets GET /pets "$here/handlers/list_pets.rs" >/dev/null
endpoint create_pet POST /pets "$here/handlers/create_pet.rs" >/dev/null
endpoint get_pet GET '/pets/{petId}' "$here/handlers/get_pet.rs" >/dev/null
endpoint update_pet PUT '/pets/{petId}' "$here/handlers/update_pet.rs" >/dev/null
endpoint delete_pet DELETE '/pets/{petId}' "$here/handlers/delete_pet.rs" >/dev/null
say "ready on $GATEWAY:"
say "  curl -X POST $GATEWAY/pets -H 'Content-Type: application/json' -d '{\"name\": \"Buddy\", \"category\": \"dog\"}'"
say "  curl $GATEWAY/pets?status=available"
