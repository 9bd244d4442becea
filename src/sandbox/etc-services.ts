// /etc/services as Debian 12's netbase 6.4 ships it, cut to the services a lab host is likely
// to meet (ss, getent and filters such as `sport = :https` read it). Debian's list has no
// etcd entries: on a real Debian 12 host `ss -tl` shows etcd's ports as 2379 and 2380.
export const ETC_SERVICES = `# Network services, Internet style
#
# Updated from https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xhtml .
#
# New ports will be added on request if they have been officially assigned
# by IANA and used in the real-world or are needed by a debian package.
# If you need a huge list of used numbers please install the nmap package.

tcpmux		1/tcp				# TCP port service multiplexer
echo		7/tcp
echo		7/udp
discard		9/tcp		sink null
discard		9/udp		sink null
daytime		13/tcp
daytime		13/udp
ftp-data	20/tcp
ftp		21/tcp
ssh		22/tcp				# SSH Remote Login Protocol
telnet		23/tcp
smtp		25/tcp		mail
domain		53/tcp				# Domain Name Server
domain		53/udp
bootps		67/udp
bootpc		68/udp
tftp		69/udp
http		80/tcp		www		# WorldWideWeb HTTP
kerberos	88/tcp		kerberos5 krb5 kerberos-sec	# Kerberos v5
kerberos	88/udp		kerberos5 krb5 kerberos-sec	# Kerberos v5
pop3		110/tcp		pop-3		# POP version 3
sunrpc		111/tcp		portmapper	# RPC 4.0 portmapper
sunrpc		111/udp		portmapper
ntp		123/udp				# Network Time Protocol
imap2		143/tcp		imap		# Interim Mail Access P 2 and 4
snmp		161/tcp				# Simple Net Mgmt Protocol
snmp		161/udp
ldap		389/tcp			# Lightweight Directory Access Protocol
ldap		389/udp
https		443/tcp				# http protocol over TLS/SSL
https		443/udp				# HTTP/3
submissions	465/tcp		ssmtp smtps urd # Submission over TLS [RFC8314]
syslog		514/udp
submission	587/tcp				# Submission [RFC4409]
ldaps		636/tcp				# LDAP over SSL
ldaps		636/udp
rsync		873/tcp
imaps		993/tcp				# IMAP over SSL
pop3s		995/tcp				# POP-3 over SSL
socks		1080/tcp			# socks proxy server
openvpn		1194/tcp
openvpn		1194/udp
nfs		2049/tcp			# Network File System
nfs		2049/udp			# Network File System
mysql		3306/tcp
postgresql	5432/tcp	postgres	# PostgreSQL Database
x11		6000/tcp	x11-0		# X Window System
redis		6379/tcp
http-alt	8080/tcp	webcache	# WWW caching service
echo		4/ddp			# AppleTalk Echo Protocol
git		9418/tcp			# Git Version Control System
`;
