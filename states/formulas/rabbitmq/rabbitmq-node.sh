#!/bin/sh
# What state this RabbitMQ node is in, and the repair for each; service.running asks it, since the
# init script cannot tell a stopped node from an Erlang VM that runs with its app stopped.
#
#   rabbitmq-node status   prints running, down, app-stopped or booting; exits 0 exactly when running.
#                          Running is first asked of the broker's AMQP listener (the listener of
#                          rabbitmq.conf answers the AMQP header with connection.start): the app
#                          opens its listeners last when it boots and closes them first when it
#                          stops or pauses, so an answer means the app runs, in milliseconds. Only
#                          when it does not answer are the rabbitmq-diagnostics calls made (an
#                          Erlang VM each, a second or more) that tell the other states apart.
#   rabbitmq-node running  exits 0 when running, like status, but never asks which other state the
#                          node is in (at most one VM start: a cheap poll while a node boots)
#   rabbitmq-node peers    prints how many other nodes of this node's cluster run their app (what
#                          start asks of a booting node), nothing when this node's VM cannot say
#   rabbitmq-node start    brings the node to running from the state status finds:
#     down          the VM is not running: the init system starts it.
#     app-stopped   the VM runs but the app does not (`rabbitmqctl stop_app`, or paused by
#                   pause_minority while partitioned, or a VM still halting after a stop):
#                   start_app, then await_startup; the init script's start would fail with
#                   dist_port_already_used. A node still in a minority pauses again, and restarts
#                   its app by itself once it sees a majority.
#     booting       the app is starting. Two cases, told apart by whether a peer of the cluster
#                   runs its app (asked of the booting node's own VM, 5 s a peer):
#                   - no peer runs: the node waits for the node of its cluster that stopped last
#                     (its Mnesia tables; RabbitMQ retries 10 times 30 s): the node that was started
#                     first after a full stop. Nothing helps on this node but that node's start,
#                     which the orchestration makes at the same time (it starts every node at once),
#                     so this waits for the boot to end (at most BOOT_WAIT s, 240) and fails naming
#                     what to do when it does not. It never forces the boot: force_boot on a node
#                     that did not stop last throws away what the last one saw (queues, users,
#                     policies made since), so that is the operator's call, when the last node is
#                     lost for good.
#                   - a peer runs: the tables are there to be had, and a boot still going after
#                     STUCK_WAIT s (60) is stuck, not waiting: RabbitMQ 3.10.8 on Erlang >= 25.1 can
#                     hang in `global`'s sync after a partition heals (pause_minority restarts the
#                     app; "Global hang workaround" in its log; rabbitmq-server #6034), for minutes.
#                     The node's VM is stopped and started again, which is safe since its running
#                     peers hold the cluster's data; its error output says so.
# The environment may point it elsewhere (tests): RABBITMQ_INIT_SCRIPT, RABBITMQ_CONFIG_FILE.
set -u
INIT_SCRIPT=${RABBITMQ_INIT_SCRIPT:-/etc/init.d/rabbitmq-server}
CONFIG_FILE=${RABBITMQ_CONFIG_FILE:-/etc/rabbitmq/rabbitmq.conf}
BOOT_WAIT=${RABBITMQ_BOOT_WAIT:-240}
STUCK_WAIT=${RABBITMQ_STUCK_WAIT:-60}

# Whether the first AMQP listener of rabbitmq.conf (listeners.tcp.N = ADDRESS:PORT) answers the
# AMQP 0-9-1 protocol header with a connection.start frame (type 1, channel 0, class 10, method
# 10) within 3 s. A SIGSTOPped broker's kernel still accepts the connection, but nothing answers.
amqp_answers() {
    listener=$(sed -n 's/^[[:space:]]*listeners\.tcp\.[^=[:space:]]*[[:space:]]*=[[:space:]]*\([^[:space:]]*\)[[:space:]]*$/\1/p' "$CONFIG_FILE" 2>/dev/null | head -1)
    [ -n "$listener" ] || return 1
    case $listener in *:*) ;; *) listener=127.0.0.1:$listener ;; esac
    reply=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "AMQP\0\0\11\1" >&3 && head -c 11 <&3 | od -An -tx1' \
        "${listener%:*}" "${listener##*:}" 2>/dev/null | tr -d ' \n')
    case $reply in
    010000????????000a000a) return 0 ;;
    esac
    return 1
}

running() {
    amqp_answers || rabbitmq-diagnostics -q check_running >/dev/null 2>&1
}

status() {
    if running; then echo running; return; fi
    if ! rabbitmq-diagnostics -q ping >/dev/null 2>&1; then echo down; return; fi
    # is_booting prints a sentence ("... is booting" / "... is fully booted ..., stopped or has not
    # started booting yet"); its JSON form has the answer as a field.
    if rabbitmq-diagnostics -q is_booting --formatter json 2>/dev/null | grep -Eq '"result" *: *true'; then echo booting; return; fi
    echo app-stopped
}

# How many other nodes of this node's cluster run their app, asked of this node's VM (which runs
# while it boots); nothing printed when the VM cannot say.
peers_running() {
    timeout 30 rabbitmqctl -q eval 'length([N || N <- rabbit_mnesia:cluster_nodes(all) -- [node()], rpc:call(N, rabbit, is_running, [], 5000) =:= true]).' </dev/null 2>/dev/null |
        grep -Ex '[0-9]+'
}

# Stops this node's VM (rabbitmqctl stop, then the beam's pid if it is still there after 30 s);
# fails when the VM still answers after that.
stop_vm() {
    pid=$(timeout 15 rabbitmqctl -q eval 'os:getpid().' </dev/null 2>/dev/null | tr -dc '0-9')
    timeout 30 rabbitmqctl -q stop </dev/null >/dev/null 2>&1
    n=0
    while rabbitmq-diagnostics -q ping >/dev/null 2>&1 && [ $n -lt 30 ]; do sleep 1; n=$((n + 1)); done
    rabbitmq-diagnostics -q ping >/dev/null 2>&1 || return 0
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null && sleep 2
    ! rabbitmq-diagnostics -q ping >/dev/null 2>&1
}

# Starts this node's VM through the init system (this process ends in it).
start_vm() {
    if [ -d /run/systemd/system ]; then exec systemctl start rabbitmq-server; fi
    # stdin closed: the init script's `rabbitmqctl wait` would read it.
    exec "$INIT_SCRIPT" start </dev/null
}

case "${1:-}" in
peers)
    peers_running
    ;;
running)
    running
    ;;
status)
    s=$(status)
    echo "$s"
    [ "$s" = running ]
    ;;
start)
    case $(status) in
    running) exit 0 ;;
    down)
        start_vm
        ;;
    app-stopped)
        # start_app returns before the app has booted, which can wait for its peers' tables; like
        # the init script's start, this waits for the boot (within service.running's start_timeout).
        rabbitmqctl -q start_app </dev/null && rabbitmqctl -q await_startup </dev/null && exit 0
        echo "rabbitmq-node: the app did not start after start_app; a node in a minority partition (pause_minority) starts its app by itself once it sees a majority of its cluster" >&2
        exit 1
        ;;
    booting)
        peers=$(peers_running)
        if [ "${peers:-0}" -gt 0 ]; then
            rabbitmqctl -q await_startup --timeout "$STUCK_WAIT" </dev/null >/dev/null 2>&1 && exit 0
            echo "rabbitmq-node: the node was still booting after $STUCK_WAIT s while $peers peer(s) of its cluster ran: its boot is stuck, not waiting for tables (RabbitMQ's global sync after a partition); stopping its VM and starting it again" >&2
            if ! stop_vm; then
                echo "rabbitmq-node: its VM did not stop (rabbitmqctl stop, then kill -9 of its pid ${pid:-(unknown: the VM did not say)}): stop it by hand, then run the orchestration again" >&2
                exit 1
            fi
            start_vm
        fi
        rabbitmqctl -q await_startup --timeout "$BOOT_WAIT" </dev/null && exit 0
        echo "rabbitmq-node: the node still boots after $BOOT_WAIT s and no other node of its cluster runs: it waits for the node of its cluster that stopped last (its tables); start that node (jstate orchestrate openstack-ha starts every node at once). Only if that node is lost for good: rabbitmqctl force_boot here, then restart this node" >&2
        exit 1
        ;;
    esac
    ;;
*)
    echo "usage: rabbitmq-node status|running|peers|start" >&2
    exit 64
    ;;
esac
