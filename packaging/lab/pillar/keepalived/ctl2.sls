# The other controllers, which ctl2 sends its VRRP adverts to.
keepalived:
  unicast_peers:
    - {id: ctl1, address: 10.77.0.11}
    - {id: ctl3, address: 10.77.0.13}
