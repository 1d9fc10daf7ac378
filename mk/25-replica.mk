# Reads that scale out: a real MariaDB primary and replica on loopback with binlog
# replication (tests/replica/rig.sh), started and stopped by the check itself.
#   make replica-check   the rig replicates, a paused replica lags, the replica is read-only

.PHONY: replica-check
replica-check: all ## primary + replica on loopback: replication, lag on demand, read-only replica
	@tests/replica/check.sh
TEST_STEPS += replica-check
