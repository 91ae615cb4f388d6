# The Galera health responder HAProxy checks on every controller.
clustercheck:
  port: 9200
  # 1: a node that is donating a state transfer (wsrep_local_state 2) still takes traffic.
  available_when_donor: 0
  # While this file exists the node answers 503, so HAProxy drains it before maintenance.
  maintenance_file: /var/lib/clustercheck/maintenance
