/** The jstate master: minion gateway, admin API, PKI and signing, targeting, jobs. */
package io.jstate.master;
