# haproxy in front of Galera (formula haproxy).
haproxy:
  stats_socket: /run/haproxy/admin.sock
  maxconn: 4096
  galera:
    port: 3306
    check_port: 9200        # clustercheck
    timeout: 90m            # client and server idle timeout
