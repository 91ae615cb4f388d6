# The health gate after haproxy and keepalived: the VIP answers on the Galera port from this node
# (through whichever controller holds it), and this node's haproxy sees an active Galera server
# (the backend is UP when clustercheck says the node is Synced).
haproxy-vip-answers:
  wait.for:
    - tcp: {{pillar.cluster.vip}}:{{pillar.haproxy.galera.port}}
    - attempts: 30
    - interval: 1

haproxy-galera-backend-up:
  wait.for:
    - command: echo 'show stat' | perl -MIO::Socket::UNIX -e '$s = IO::Socket::UNIX->new(Peer => "{{pillar.haproxy.stats_socket}}") or exit 1; print $s scalar <STDIN>; print while <$s>' | grep -q '^galera,[^,]*,.*,UP,'
    - attempts: 30
    - interval: 1
    - require:
      - wait: haproxy-vip-answers
