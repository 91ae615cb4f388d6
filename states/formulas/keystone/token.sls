# /usr/local/sbin/keystone-token: asks a Keystone for a token with the password of the
# environment, for keystone.db's guard and packaging/lab/verify.
{{#pillar.keystone.enabled}}
keystone-token-script:
  file.managed:
    - name: /usr/local/sbin/keystone-token
    - source: keystone/keystone-token.py
    - template: none
    - mode: "0755"
    - user: root
    - group: root
{{/pillar.keystone.enabled}}
