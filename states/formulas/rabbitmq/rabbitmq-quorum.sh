#!/bin/sh
# Managed by jstate (formula rabbitmq): local edits are overwritten.
# Every quorum queue of every vhost has a member on every node of the cluster. RabbitMQ 3.x gives
# a quorum queue members on the nodes that run when it is declared, and never adds one by itself:
# a node that replaces a lost one (forget_cluster_node took the lost one out of every queue) or a
# node added to the cluster holds no replica, so a queue declared on three nodes is left with two
# and survives no more failure.
#
#   rabbitmq-quorum missing NODE...  prints "NODE QUEUE" for each quorum queue without a member on
#                                    NODE (QUEUE as "queue 'q' in vhost 'v'"); exits 0 exactly when
#                                    none lacks one. One query: a single rabbitmqctl eval (one
#                                    Erlang VM start) reads every queue of every vhost.
#   rabbitmq-quorum grow NODE...     adds NODE to every quorum queue that lacks it
#                                    (rabbitmq-queues grow NODE all), for each NODE that lacks one;
#                                    a node every queue has already is not asked again.
# NODE is a RabbitMQ node name (rabbit@ctl3) that runs in this node's cluster.
# The environment may point it elsewhere (tests): RABBITMQCTL, RABBITMQ_QUEUES.
set -u
RABBITMQCTL=${RABBITMQCTL:-rabbitmqctl}
RABBITMQ_QUEUES=${RABBITMQ_QUEUES:-rabbitmq-queues}

usage() {
    echo "rabbitmq-quorum: $1" >&2
    echo "usage: rabbitmq-quorum missing|grow NODE..." >&2
    exit 2
}

# "NODE QUEUE" lines for the quorum queues without a member on one of the nodes; fails (exit 1,
# RabbitMQ's message on stderr) when the query itself fails.
missing() {
    nodes=""
    for n in "$@"; do
        nodes="$nodes${nodes:+, }'$n'"
    done
    # A quorum queue's members are its type state's nodes. The answer is printed as lines by the
    # expression itself (io:format), so nothing has to parse an Erlang term; each starts with
    # MISSING, and only those lines are read: rabbitmqctl's other output (a warning naming a node)
    # is no answer. Its stderr is kept apart and shown on failure. A queue or vhost name may hold
    # any Unicode character: the names are the resource's UTF-8 binaries ({resource, VHost, queue,
    # Name}) printed with ~ts (rabbit_misc:rs gives their bytes as characters, which print
    # re-encoded; a plain ~ s (no t) refuses characters above Latin-1).
    out=$("$RABBITMQCTL" -q eval "
        [io:format(\"MISSING ~ts queue '~ts' in vhost '~ts'~n\", [N, element(4, R), element(2, R)])
         || Q <- rabbit_amqqueue:list(), amqqueue:get_type(Q) =:= rabbit_quorum_queue, R <- [amqqueue:get_name(Q)],
            N <- [$nodes], not lists:member(N, maps:get(nodes, amqqueue:get_type_state(Q), []))],
        ok." 2>"$errors") || {
        echo "rabbitmq-quorum: the query of the quorum queues failed: $(cat "$errors")${out:+ $out}" >&2
        exit 1
    }
    printf '%s\n' "$out" | sed -n 's/^MISSING //p'
}

[ $# -ge 2 ] || usage "a command and at least one node are needed"
cmd=$1
shift
# Checked here, not in the query's subshell, so that a bad name exits 2 before RabbitMQ is asked.
for n in "$@"; do
    case $n in *@*) ;; *) usage "'$n' is not a node name (rabbit@HOST)" ;; esac
    case $n in *[!A-Za-z0-9@._-]*) usage "'$n' is not a node name (rabbit@HOST)" ;; esac
done
errors=$(mktemp) || { echo "rabbitmq-quorum: cannot make a temporary file" >&2; exit 1; }
trap 'rm -f "$errors"' EXIT
case $cmd in
missing)
    lacking=$(missing "$@") || exit 1
    [ -z "$lacking" ] && exit 0
    printf '%s\n' "$lacking"
    exit 1 ;;
grow)
    lacking=$(missing "$@") || exit 1
    if [ -z "$lacking" ]; then
        echo "every quorum queue has a member on $*"
        exit 0
    fi
    printf '%s\n' "$lacking"
    for n in $(printf '%s\n' "$lacking" | cut -d' ' -f1 | sort -u); do
        echo "growing every quorum queue to $n"
        "$RABBITMQ_QUEUES" grow "$n" all || { echo "rabbitmq-quorum: rabbitmq-queues grow $n all failed" >&2; exit 1; }
    done
    lacking=$(missing "$@") || exit 1
    if [ -n "$lacking" ]; then
        echo "rabbitmq-quorum: still without a member after the grow:" >&2
        printf '%s\n' "$lacking" >&2
        exit 1
    fi
    echo "every quorum queue has a member on $*" ;;
*) usage "unknown command '$cmd'" ;;
esac
