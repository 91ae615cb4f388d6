# Corosync and Pacemaker: the alternative layout in which Pacemaker runs Galera, haproxy and the
# VIP (formula pacemaker).
pacemaker:
  corosync:
    crypto_cipher: aes256
    crypto_hash: sha256
    # The same key on every node; knet wants at least 128 bytes (1024 bits) of it.
    authkey: !secret z87DOfOU4sszpFKpIObB4wT9sVQiqgwEezmKJQkxobrC6s09tVsjS5TwjdBMPIgH2SSHWx4mKg6hs4xfsDVNMghLPJuRB9NDDcJ3dnpHqQKADjs00gHBc3OYgm10dXK3ESE2cRBmIvPS8iw7YB5RQ7V6A1QC1L4KN55iCp9KOPQ8b8DKoYpHK1CNLCrwQckcgGbu0FBY6qMEWm1wDPFLLam0ddo0TTa9g7pJ7dc7AH5s0ytV5ZxIFhJ1SQdOIx7D
    two_node: false         # true only for a cluster of exactly two nodes
  properties:
    # No fencing in the lab: its hosts are namespaces on one machine, with no power switch or
    # fence agent to cut one off. A real cluster needs stonith-enabled=true and fence devices.
    - {name: stonith-enabled, value: "false"}
    # Three nodes: a partition without quorum stops its resources rather than risk a split brain.
    - {name: no-quorum-policy, value: stop}
  galera:
    promoted_max: 3
    # A joiner's promotion is its state transfer (seconds for the lab's data by rsync); one whose
    # donors all died while it joined hangs until this timeout, and Galera stays down until then.
    # Size it to the longest state transfer of the real data.
    promote_timeout: 120s
    # How long the orchestration waits for Pacemaker to recover a failed Galera by itself or to
    # block it (then it cleans the block up): longer than promote_timeout.
    unblock_wait: 180
    # root signs in through the server's unix socket on Debian (unix_socket authentication), so it
    # works before any user has been created, as a new cluster's first promotion needs; the
    # password is passed along and not needed by that plugin.
    check_user: root
    check_passwd: !secret Zr3pQ8vLm2Tx
    # The agent starts the servers itself; rsync needs no SST user, which would not exist yet on a
    # new cluster.
    sst_method: rsync
  drbd:                     # the two-node DRBD layout (pacemaker.drbd: rendered and verified only)
    resource: mysql
    device: /dev/drbd0
    directory: /var/lib/mysql
    fstype: ext4
