# Sourced by the W1 benchmarks: writes the W1 state tree and its pillar.
#
#   w1_tree STATES PILLAR ROOT PREFIX
#
# W1: 200 files rendered from one Mustache template (each with its own name, port and database
# connection string, whose password is a pillar secret), one pkg.installed of a package that is
# already installed (bash), one cmd.run guarded by creates. ROOT is the throwaway folder everything
# is written below (pillar w1.root). PREFIX goes in front of every absolute path a state names: ""
# when the apply maps paths below ROOT itself (jstate-minion apply --local --root ROOT), or
# "{{pillar.w1.root}}" when it does not (a minion daemon applies to its real file system).
w1_tree() {
  local states=$1 pillar=$2 root=$3 prefix=$4 i n
  mkdir -p "$states/w1" "$pillar"
  cat > "$states/w1/service.conf.mustache" <<'T'
# Managed by jstate: {{name}}
[DEFAULT]
service_name = {{name}}
bind_port = {{port}}
debug = false

[database]
connection = {{database}}
max_pool_size = 10
T
  {
    echo "w1-package:"
    echo "  pkg.installed:"
    echo "    - name: bash"
    echo "    - refresh: false"
    echo
    echo "w1-once:"
    echo "  cmd.run:"
    echo "    - name: mkdir -p {{pillar.w1.root}}/var/lib/w1 && touch {{pillar.w1.root}}/var/lib/w1/done"
    echo "    - creates: $prefix/var/lib/w1/done"
    for i in $(seq -w 1 200); do
      n=$((10#$i))
      echo
      echo "w1-file-$i:"
      echo "  file.managed:"
      echo "    - name: $prefix/etc/w1/svc$i.conf"
      echo "    - source: w1/service.conf.mustache"
      echo "    - makedirs: true"
      echo "    - context:"
      echo "        name: svc$i"
      echo "        port: $((8000 + n))"
      echo "        database: mysql+pymysql://svc$i:{{pillar.w1.db_password}}@db.example.internal/svc$i"
    done
  } > "$states/w1/init.sls"
  printf 'base:\n  "*":\n    - w1\n' > "$pillar/top.sls"
  printf 'w1:\n  root: %s\n  db_password: !secret w1-db-pass\n' "$root" > "$pillar/w1.sls"
}
