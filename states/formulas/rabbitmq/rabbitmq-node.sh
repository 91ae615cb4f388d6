#!/bin/sh
# What state this RabbitMQ node is in, and the repair for each; service.running asks it, since the
# init script cannot tell a stopped node from an Erlang VM that runs with its app stopped.
#
#   rabbitmq-node status   prints running, down, app-stopped or booting; exits 0 exactly when running
#   rabbitmq-node start    brings the node to running from the state status finds:
#     down          the VM is not running: the init system starts it.
#     app-stopped   the VM runs but the app does not (`rabbitmqctl stop_app`, or paused by
#                   pause_minority while partitioned, or a VM still halting after a stop):
#                   start_app, then await_startup; the init script's start would fail with
#                   dist_port_already_used. A node still in a minority pauses again, and restarts
#                   its app by itself once it sees a majority.
#     booting       the app is starting and waits for the node of its cluster that stopped last
#                   (its tables): nothing to do on this node but start that one. Forcing the boot
#                   could lose what the last node saw, so that is left to the operator.
# The environment may point it elsewhere (tests): RABBITMQ_INIT_SCRIPT.
set -u
INIT_SCRIPT=${RABBITMQ_INIT_SCRIPT:-/etc/init.d/rabbitmq-server}

status() {
    if rabbitmq-diagnostics -q check_running >/dev/null 2>&1; then echo running; return; fi
    if ! rabbitmq-diagnostics -q ping >/dev/null 2>&1; then echo down; return; fi
    if rabbitmq-diagnostics -q is_booting 2>/dev/null | grep -q true; then echo booting; return; fi
    echo app-stopped
}

case "${1:-}" in
status)
    s=$(status)
    echo "$s"
    [ "$s" = running ]
    ;;
start)
    case $(status) in
    running) exit 0 ;;
    down)
        if [ -d /run/systemd/system ]; then exec systemctl start rabbitmq-server; fi
        # stdin closed: the init script's `rabbitmqctl wait` would read it.
        exec "$INIT_SCRIPT" start </dev/null
        ;;
    app-stopped)
        # start_app returns before the app has booted, which can wait for its peers' tables; like
        # the init script's start, this waits for the boot (within service.running's start_timeout).
        rabbitmqctl -q start_app </dev/null && rabbitmqctl -q await_startup </dev/null && exit 0
        echo "rabbitmq-node: the app did not start after start_app; a node in a minority partition (pause_minority) starts its app by itself once it sees a majority of its cluster" >&2
        exit 1
        ;;
    booting)
        echo "rabbitmq-node: the node is booting and waits for the node of its cluster that stopped last; start that node (jstate orchestrate starts every node at once)" >&2
        exit 1
        ;;
    esac
    ;;
*)
    echo "usage: rabbitmq-node status|start" >&2
    exit 64
    ;;
esac
