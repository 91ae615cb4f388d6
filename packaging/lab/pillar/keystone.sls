# Keystone on every controller (formula keystone), load-balanced by HAProxy on the VIP.
keystone:
  # false: no Keystone here (it runs elsewhere): formula keystone holds no state, HAProxy no section.
  enabled: true
  port: 5000
  region: RegionOne
  # uwsgi processes per controller (Debian's default is 8; a lab host shares two cores with two others).
  processes: 2
  threads: 8
  # `keystone-manage bootstrap`'s admin user, project and role; enforced on every run.
  admin:
    user: admin
    project: admin
    password: !secret "ksAdminLab7e41c9b2"
  # The Fernet token keys, the same on every controller (a token issued by one is validated by the
  # others). Key 0 is the staged key, the highest index the primary, the others secondary; at most
  # max_active_keys of them. Listed highest first: the key files are written in this order, so a
  # node has the new primary before its staged key is replaced. Made and rotated by
  # states/formulas/keystone/keystone-keys (docs/guide.md, "Rotating the Fernet keys").
  max_active_keys: 3
  fernet_keys:
    - index: 2
      key: !secret "WFb0-4_ZVVq4TF2hy3-2MFP35SN9xbC37TzqL60el1c="
    - index: 1
      key: !secret "CirhJGe1yPtFXZ-kPJgwFrTtlz4ASujik1dNjCugrso="
    - index: 0
      key: !secret "xHB1r-o_vx30s4SMYSe2lTPOqbv1xIeSVeNzc_ju3mc="
  # The keys that encrypt credentials (application credentials' secrets, EC2 keys) in the database.
  credential_keys:
    - index: 1
      key: !secret "t3C6S6Hop0qVS3MnEWsVy75otThOtrsKvxQwCtum5mY="
    - index: 0
      key: !secret "84-jlCvjl5v7ytYHMYqRKdCTA91DbVCU-UomBtAW2kM="
