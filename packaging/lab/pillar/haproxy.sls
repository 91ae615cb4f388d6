# haproxy in front of Galera (formula haproxy).
haproxy:
  stats_socket: /run/haproxy/admin.sock
  maxconn: 4096
  galera:
    port: 3306
    check_port: 9200        # clustercheck
    timeout: 90m            # client and server idle timeout
    # The Galera data nodes, in order: the first is the one active server, the others are
    # backups taken in this order. These are cluster.nodes minus galera.arbitrator when the
    # garbd variant is used (garbd holds no data and serves no SQL).
    backends:
      - {id: ctl1, address: 10.77.0.11}
      - {id: ctl2, address: 10.77.0.12}
      - {id: ctl3, address: 10.77.0.13}
