/** The jstate command-line client, speaking the master's admin API. */
package io.jstate.cli;
