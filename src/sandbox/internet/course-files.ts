// Files the course links to on labs.iximiuz.com (our own texts, served by the virtual internet).

/** The etcd unit the lesson downloads to /etc/systemd/system/etcd.service. */
export const ETCD_SERVICE_UNIT = `[Unit]
Description=etcd
Documentation=https://etcd.io/docs/
After=network-online.target
Wants=network-online.target

[Service]
Type=notify
User=etcd
Group=etcd
# Defaults first; /etc/default/etcd (optional, hence the "-") overrides them.
Environment=ETCD_DATA_DIR=/var/lib/etcd
EnvironmentFile=-/etc/default/etcd
ExecStart=/usr/local/bin/etcd
Restart=always
RestartSec=10s
LimitNOFILE=40000

[Install]
WantedBy=multi-user.target
`;

/** Path → file, for any query string (the course appends ?v=<build>). */
export const COURSE_FILES: Record<string, { body: string; type: string }> = {
  '/content/files/courses/kubernetes-the-very-hard-way-0cbfd997/03-control-plane/01-etcd/__static__/etcd.service': {
    body: ETCD_SERVICE_UNIT,
    type: 'application/octet-stream',
  },
};
