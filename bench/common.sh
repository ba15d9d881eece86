# Shared by the bench/*/run.sh scripts (sourced): a free loopback port, and an nginx pinned to
# CPU 0 serving a folder with the settings BENCHMARKING.md asks for (no access log, no sendfile,
# keep-alive connections that last). start_nginx ROOT DIR sets $nginx_port and $nginx_pid and
# writes nginx's files under DIR; stop_nginx ends it.

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start_nginx() {
  _root=$1
  _dir=$2
  mkdir -p "$_dir/logs"
  nginx_port=$(free_port)
  _user=""
  [ "$(id -u)" = 0 ] && _user="user root;"
  cat > "$_dir/nginx.conf" <<CONF
$_user
worker_processes 1;
worker_cpu_affinity 01;
worker_rlimit_nofile 30000;
pid $_dir/nginx.pid;
error_log $_dir/error.log warn;
events { worker_connections 25000; }
http {
  access_log off;
  sendfile off;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  default_type text/html;
  client_body_temp_path $_dir/body;
  proxy_temp_path $_dir/proxy;
  fastcgi_temp_path $_dir/fastcgi;
  uwsgi_temp_path $_dir/uwsgi;
  scgi_temp_path $_dir/scgi;
  server {
    listen 127.0.0.1:$nginx_port backlog=4096;
    root $_root;
  }
}
CONF
  taskset -c 0 nginx -c "$_dir/nginx.conf" -p "$_dir/" -g 'daemon off;' &
  nginx_pid=$!
  _n=0
  until curl -s -o /dev/null "http://127.0.0.1:$nginx_port/"; do
    _n=$((_n + 1))
    if [ $_n -gt 100 ]; then
      echo "bench: nginx did not start" >&2
      cat "$_dir/error.log" >&2
      return 1
    fi
    sleep 0.05
  done
}

stop_nginx() {
  [ -n "${nginx_pid:-}" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  nginx_pid=""
}

# median of the numbers on stdin
median() {
  sort -g | awk '{a[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}
