# The other controllers, which ctl1 sends its VRRP adverts to.
keepalived:
  unicast_peers:
    - {id: ctl2, address: 10.77.0.12}
    - {id: ctl3, address: 10.77.0.13}
