# What every lab host knows about the lab: its network and its hosts.
lab:
  network: 10.77.0.0/24
  master: master
