# Test VM deployment: the Debian package (make deb), the throwaway Debian 12 VM that
# the Ansible playbook deploys to (make vm-test, run by .ci/run after make test, not by
# make test: it boots a VM), and the playbooks' lint (ansible-check, part of make test).
# See docs/vm.md.

VM_RUN_DIR ?= .run/dev-vm
VM_CACHE   ?= /var/cache/fcgi-users-vm
export VM_CACHE

.PHONY: deb
deb: all ## the Debian package, in dist/ (offline: dpkg-deb)
	@packaging/build-deb.sh

.PHONY: vm-image
vm-image: ## build (or find cached) the Debian 12 test VM image
	@scripts/vm/image.sh

.PHONY: vm-test
vm-test: deb ## boot the test VM, deploy with Ansible twice (2nd: changed=0), smoke test, power off
	@RUN_DIR=$(VM_RUN_DIR) scripts/vm/test.sh

.PHONY: ansible-check
ansible-check: ## yamllint and ansible-lint (production profile) on playbooks/, syntax check
	@scripts/vm/ansible-check.sh
TEST_STEPS += ansible-check
