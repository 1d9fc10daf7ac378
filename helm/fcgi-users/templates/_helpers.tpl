{{/*
Helpers shared by the templates: names, labels, images, secrets and the pool
environment. A component is one of "nginx", "frontend", "backend".
*/}}

{{- define "fcgi-users.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "fcgi-users.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Object name of a component: <fullname>-<component>. Call with (dict "ctx" $ "component" "backend"). */}}
{{- define "fcgi-users.componentName" -}}
{{- printf "%s-%s" (include "fcgi-users.fullname" .ctx | trunc 54 | trimSuffix "-") .component -}}
{{- end -}}

{{- define "fcgi-users.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "fcgi-users.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: fcgi-users
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels of a component's objects: (dict "ctx" $ "component" "backend"). */}}
{{- define "fcgi-users.componentLabels" -}}
{{ include "fcgi-users.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "fcgi-users.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fcgi-users.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "fcgi-users.annotations" -}}
{{- with .Values.commonAnnotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
Image reference: (dict "image" .Values.backend.image "ctx" $). Digest wins over tag;
tag defaults to appVersion. global.imageRegistry fills in only an empty
image.registry (the project's own images): an image that names its registry (nginx,
the test pod) keeps it, since the project's registry holds only backend and frontend.
*/}}
{{- define "fcgi-users.image" -}}
{{- $registry := .image.registry -}}
{{- if not $registry -}}{{- $registry = .ctx.Values.global.imageRegistry -}}{{- end -}}
{{- $repo := .image.repository -}}
{{- if $registry -}}{{- $repo = printf "%s/%s" $registry .image.repository -}}{{- end -}}
{{- if .image.digest -}}
{{- printf "%s@%s" $repo .image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (default .ctx.Chart.AppVersion .image.tag | toString) -}}
{{- end -}}
{{- end -}}

{{/* imagePullSecrets of a pod: (dict "images" (list ...) "ctx" $). */}}
{{- define "fcgi-users.imagePullSecrets" -}}
{{- $names := list -}}
{{- range .ctx.Values.global.imagePullSecrets -}}{{- $names = append $names . -}}{{- end -}}
{{- range .images -}}{{- range .pullSecrets -}}{{- $names = append $names . -}}{{- end -}}{{- end -}}
{{- if $names }}
imagePullSecrets:
{{- range $names | uniq }}
  - name: {{ . }}
{{- end }}
{{- end -}}
{{- end -}}

{{- define "fcgi-users.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "fcgi-users.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Security context without the chart's "enabled" switch. */}}
{{- define "fcgi-users.securityContext" -}}
{{- if .enabled -}}
{{- toYaml (omit . "enabled") -}}
{{- end -}}
{{- end -}}

{{/* Affinity: explicit affinity wins, else the anti-affinity preset. (dict "ctx" $ "component" "backend" "values" .Values.backend) */}}
{{- define "fcgi-users.affinity" -}}
{{- if .values.affinity -}}
{{- toYaml .values.affinity -}}
{{- else if eq .values.podAntiAffinityPreset "soft" -}}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "fcgi-users.selectorLabels" . | nindent 12 }}
{{- else if eq .values.podAntiAffinityPreset "hard" -}}
podAntiAffinity:
  requiredDuringSchedulingIgnoredDuringExecution:
    - topologyKey: kubernetes.io/hostname
      labelSelector:
        matchLabels:
          {{- include "fcgi-users.selectorLabels" . | nindent 10 }}
{{- end -}}
{{- end -}}

{{/* Pods a component runs at least (HPA minimum when autoscaling). */}}
{{- define "fcgi-users.minPods" -}}
{{- if .autoscaling.enabled -}}{{- .autoscaling.minReplicas -}}{{- else -}}{{- .replicaCount -}}{{- end -}}
{{- end -}}

{{/*
Upstream keepalive per nginx worker for a pool, by nginx/render.sh's rule
keepalive = max(0, floor((P - 1 - C) / W)): a kept FastCGI connection holds one
pool worker (idle or not), so C connections in use plus W * keepalive idle ones
must leave one pool worker free to accept. In the cluster P = pool workers per pod
* pool pods, W = nginx workers per pod * nginx pods (each nginx pod keeps its own
connections to the same pools), with the minimum pod counts when autoscaling, and
C = nginx.upstreamConcurrency.<pool>, or P when 0 (the pool can be saturated),
which gives 0: no keepalive line. (dict "ctx" $ "component" "backend")
*/}}
{{- define "fcgi-users.keepalive" -}}
{{- $v := .ctx.Values -}}
{{- if eq (toString $v.nginx.upstreamKeepalive) "auto" -}}
{{- $pool := index $v .component -}}
{{- $p := mul (int $pool.pool.workers) (int (include "fcgi-users.minPods" $pool)) -}}
{{- $c := int (include "fcgi-users.poolConcurrency" .) -}}
{{- $w := mul (int $v.nginx.workerProcesses) (int (include "fcgi-users.minPods" $v.nginx)) -}}
{{- max 0 (div (sub (sub $p 1) $c) $w) -}}
{{- else -}}
{{- int $v.nginx.upstreamKeepalive -}}
{{- end -}}
{{- end -}}

{{/* C of the rule above. */}}
{{- define "fcgi-users.poolConcurrency" -}}
{{- $c := int (index .ctx.Values.nginx.upstreamConcurrency .component) -}}
{{- if gt $c 0 -}}{{- $c -}}{{- else -}}{{- include "fcgi-users.poolWorkersTotal" . -}}{{- end -}}
{{- end -}}

{{/* P of the rule above, for the comment in nginx.conf. */}}
{{- define "fcgi-users.poolWorkersTotal" -}}
{{- $pool := index .ctx.Values .component -}}
{{- mul (int $pool.pool.workers) (int (include "fcgi-users.minPods" $pool)) -}}
{{- end -}}

{{/* Upstream address of a pool: override or its Service's DNS name. */}}
{{- define "fcgi-users.upstream" -}}
{{- $v := .ctx.Values -}}
{{- $override := index $v.nginx.upstreams .component -}}
{{- if $override -}}
{{- $override -}}
{{- else -}}
{{- printf "%s.%s.svc.%s:%d" (include "fcgi-users.componentName" .) .ctx.Release.Namespace $v.clusterDomain (int (index $v .component).service.ports.fastcgi) -}}
{{- end -}}
{{- end -}}

{{- define "fcgi-users.databaseSecretName" -}}
{{- default (printf "%s-database" (include "fcgi-users.fullname" .)) .Values.database.existingSecret -}}
{{- end -}}
{{- define "fcgi-users.databaseSecretKey" -}}
{{- if .Values.database.existingSecret -}}{{- .Values.database.existingSecretPasswordKey -}}{{- else -}}password{{- end -}}
{{- end -}}
{{- define "fcgi-users.secretKeySecretName" -}}
{{- default (printf "%s-secret-key" (include "fcgi-users.fullname" .)) .Values.secretKey.existingSecret -}}
{{- end -}}
{{- define "fcgi-users.secretKeySecretKey" -}}
{{- if .Values.secretKey.existingSecret -}}{{- .Values.secretKey.existingSecretKey -}}{{- else -}}secret-key{{- end -}}
{{- end -}}

{{/* DATABASE_URI without the password (it comes from DATABASE_PASSWORD_FILE); as the
database.user, or as .user when given (the migration Job's admin). */}}
{{- define "fcgi-users.databaseURI" -}}
{{- $d := .ctx.Values.database -}}
{{- $q := list (printf "ssl-mode=%s" $d.sslMode) -}}
{{- if $d.caCert.existingSecret -}}{{- $q = append $q "ssl-ca=/etc/fcgi-users/database-ca/ca.pem" -}}{{- end -}}
{{- printf "mysql://%s@%s:%d/%s?%s" (urlquery (default $d.user .user)) $d.host (int $d.port) $d.name (join "&" $q) -}}
{{- end -}}

{{/* Environment of the backend that talks to MySQL (the pool and the migration Job). */}}
{{- define "fcgi-users.databaseEnv" -}}
- name: DATABASE_URI
  value: {{ include "fcgi-users.databaseURI" (dict "ctx" .) | quote }}
- name: DATABASE_PASSWORD_FILE
  value: /etc/fcgi-users/database/password
{{- end -}}

{{/* The backend's sign-in settings (fcgi-backend/auth.h), the pool's and the Job's. */}}
{{- define "fcgi-users.authEnv" -}}
- name: SESSION_TTL
  value: {{ .Values.auth.sessionTtl | quote }}
- name: SSO
  value: {{ ternary "1" "0" .Values.auth.sso.enabled | quote }}
{{- end -}}

{{/* The migration Job's first editor (FIRST_EDITOR, its password from a Secret). */}}
{{- define "fcgi-users.firstEditorEnv" -}}
{{- with .Values.auth.firstEditor }}{{ if .name }}
- name: FIRST_EDITOR
  value: {{ .name | quote }}
- name: FIRST_EDITOR_PASSWORD_FILE
  value: /etc/fcgi-users/first-editor/password
{{- end }}{{ end }}
{{- end -}}
{{- define "fcgi-users.firstEditorVolumes" -}}
{{- with .Values.auth.firstEditor }}{{ if .name }}
- name: first-editor
  secret:
    secretName: {{ .existingSecret }}
    defaultMode: 0440
    items:
      - key: {{ .existingSecretKey }}
        path: password
{{- end }}{{ end }}
{{- end -}}
{{- define "fcgi-users.firstEditorVolumeMounts" -}}
{{- if .Values.auth.firstEditor.name }}
- name: first-editor
  mountPath: /etc/fcgi-users/first-editor
  readOnly: true
{{- end }}
{{- end -}}

{{/* The migration Job's database environment: with database.admin.user it connects as
the admin and creates the app user (database.user, password from the app's Secret);
without, as database.user. */}}
{{- define "fcgi-users.migrationDatabaseEnv" -}}
{{- $a := .Values.database.admin -}}
{{- if $a.user -}}
{{- if not $a.existingSecret -}}
{{- fail "database.admin.existingSecret must be set with database.admin.user (the admin password is never a chart value)" -}}
{{- end -}}
{{- if eq $a.user .Values.database.user -}}
{{- fail "database.admin.user must differ from database.user (the pools' least-privilege user)" -}}
{{- end -}}
- name: DATABASE_URI
  value: {{ include "fcgi-users.databaseURI" (dict "ctx" . "user" $a.user) | quote }}
- name: DATABASE_PASSWORD_FILE
  value: /etc/fcgi-users/database-admin/password
- name: APP_DATABASE_USER
  value: {{ .Values.database.user | quote }}
- name: APP_DATABASE_HOST
  value: {{ $a.appUserHost | quote }}
- name: APP_DATABASE_PASSWORD_FILE
  value: /etc/fcgi-users/database/password
{{- else -}}
{{- include "fcgi-users.databaseEnv" . -}}
{{- end -}}
{{- end -}}

{{- define "fcgi-users.databaseVolumes" -}}
- name: database-password
  secret:
    secretName: {{ include "fcgi-users.databaseSecretName" . }}
    defaultMode: 0440
    items:
      - key: {{ include "fcgi-users.databaseSecretKey" . }}
        path: password
{{- if .Values.database.caCert.existingSecret }}
- name: database-ca
  secret:
    secretName: {{ .Values.database.caCert.existingSecret }}
    defaultMode: 0444
    items:
      - key: {{ .Values.database.caCert.key }}
        path: ca.pem
{{- end }}
{{- end -}}

{{- define "fcgi-users.databaseVolumeMounts" -}}
- name: database-password
  mountPath: /etc/fcgi-users/database
  readOnly: true
{{- if .Values.database.caCert.existingSecret }}
- name: database-ca
  mountPath: /etc/fcgi-users/database-ca
  readOnly: true
{{- end }}
{{- end -}}

{{/* Pool settings (fcgi-pool/pool.h) from a component's values. */}}
{{- define "fcgi-users.poolEnv" -}}
{{- $p := .values.pool -}}
- name: LISTEN
  value: {{ printf "0.0.0.0:%d" (int .values.containerPorts.fastcgi) | quote }}
- name: LISTEN_BACKLOG
  value: {{ $p.listenBacklog | quote }}
- name: PM
  value: {{ $p.pm | quote }}
- name: WORKERS
  value: {{ $p.workers | quote }}
{{- if eq $p.pm "dynamic" }}
- name: PM_START_SERVERS
  value: {{ $p.startServers | quote }}
- name: PM_MIN_SPARE_SERVERS
  value: {{ $p.minSpareServers | quote }}
- name: PM_MAX_SPARE_SERVERS
  value: {{ $p.maxSpareServers | quote }}
{{- end }}
- name: MAX_REQUESTS
  value: {{ $p.maxRequests | quote }}
- name: REQUEST_TIMEOUT
  value: {{ $p.requestTimeout | quote }}
- name: SLOW_REQUEST_TIMEOUT
  value: {{ $p.slowRequestTimeout | quote }}
- name: STATUS_PATH
  value: {{ printf "/-/status/%s" .component | quote }}
- name: PING_PATH
  value: "/-/ping"
- name: LOG_FORMAT
  value: {{ .values.logFormat | quote }}
- name: LOG_LEVEL
  value: {{ .values.logLevel | quote }}
{{- end -}}

{{/* A probe from values plus its action: (dict "probe" .Values.x.readinessProbe "action" (dict ...)). */}}
{{- define "fcgi-users.probe" -}}
{{- $p := omit .probe "enabled" -}}
{{- toYaml (merge $p .action) -}}
{{- end -}}

{{/* FastCGI probe action: the image's fcgi-probe sends one GET to the pool over FastCGI. */}}
{{- define "fcgi-users.fcgiProbe" -}}
{{- $_ := . -}}
exec:
  command: ["/usr/local/bin/fcgi-probe", {{ printf "127.0.0.1:%d" (int .port) | quote }}, {{ .path | quote }}]
{{- end -}}

{{/*
Checks across values that the schema cannot express; each names the value and the
rule, the way the pools' own settings errors do.
*/}}
{{- define "fcgi-users.validateValues" -}}
{{- range $c := list "frontend" "backend" }}
{{- $v := index $.Values $c }}
{{- $p := $v.pool }}
{{- if eq $p.pm "dynamic" }}
{{- if gt (int $p.maxSpareServers) (int $p.workers) }}
{{- fail (printf "%s.pool.maxSpareServers (%v) is more than %s.pool.workers (%v)" $c $p.maxSpareServers $c $p.workers) }}
{{- end }}
{{- if lt (int $p.maxSpareServers) (int $p.minSpareServers) }}
{{- fail (printf "%s.pool.maxSpareServers (%v) is less than %s.pool.minSpareServers (%v)" $c $p.maxSpareServers $c $p.minSpareServers) }}
{{- end }}
{{- if or (lt (int $p.startServers) (int $p.minSpareServers)) (gt (int $p.startServers) (int $p.maxSpareServers)) }}
{{- fail (printf "%s.pool.startServers (%v) is not between minSpareServers (%v) and maxSpareServers (%v)" $c $p.startServers $p.minSpareServers $p.maxSpareServers) }}
{{- end }}
{{- end }}
{{- if and (gt (int $p.requestTimeout) 0) (le (int $v.terminationGracePeriodSeconds) (add (int $v.preStopSleepSeconds) (int $p.requestTimeout))) }}
{{- fail (printf "%s.terminationGracePeriodSeconds (%v) must exceed preStopSleepSeconds + pool.requestTimeout (%v + %v): in-flight requests would be killed on stop" $c $v.terminationGracePeriodSeconds $v.preStopSleepSeconds $p.requestTimeout) }}
{{- end }}
{{- if and $v.autoscaling.enabled (gt (int $v.autoscaling.minReplicas) (int $v.autoscaling.maxReplicas)) }}
{{- fail (printf "%s.autoscaling.minReplicas (%v) is more than maxReplicas (%v)" $c $v.autoscaling.minReplicas $v.autoscaling.maxReplicas) }}
{{- end }}
{{- end }}
{{- $d := .Values.database }}
{{- $n := include "fcgi-users.databaseConnections" . | fromYaml }}
{{- if and (gt (int $d.maxConnections) 0) (gt (int $n.total) (int $d.maxConnections)) }}
{{- fail (printf "database connections at full scale: (%s %v + rolling-update surge %v) backend pods x backend.pool.workers %v + migration Job %v + database.reservedConnections %v = %v, more than database.maxConnections (%v): lower the workers or the pods, or raise max_connections on the database and database.maxConnections (docs/kubernetes.md \"Database connections\")" $n.podsFrom $n.pods $n.surge $n.workers $n.migration $n.reserved $n.total $d.maxConnections) }}
{{- end }}
{{- end -}}

{{/*
The most database connections the release can hold at once (YAML, for
validateValues and NOTES): every backend worker keeps one connection (and one more
to the replica when reads go there: the same count on that server), at the HPA
maximum, during a rolling update that adds maxSurge pods (a percentage rounds up, as
Kubernetes does), while the migration Job (one connection) runs, plus what
database.reservedConnections keeps for others.
*/}}
{{- define "fcgi-users.databaseConnections" -}}
{{- $b := .Values.backend -}}
{{- $pods := int $b.replicaCount -}}
{{- $from := "backend.replicaCount" -}}
{{- if $b.autoscaling.enabled -}}
{{- $pods = int $b.autoscaling.maxReplicas -}}
{{- $from = "backend.autoscaling.maxReplicas" -}}
{{- end -}}
{{- $surge := 0 -}}
{{- if eq (toString (dig "type" "RollingUpdate" $b.updateStrategy)) "RollingUpdate" -}}
{{- $ms := toString (dig "rollingUpdate" "maxSurge" "25%" $b.updateStrategy) -}}
{{- if hasSuffix "%" $ms -}}
{{- $surge = div (add (mul $pods (int (trimSuffix "%" $ms))) 99) 100 -}}
{{- else -}}
{{- $surge = int $ms -}}
{{- end -}}
{{- end -}}
{{- $migration := ternary 1 0 $b.migration.enabled -}}
{{- $workers := int $b.pool.workers -}}
{{- $reserved := int .Values.database.reservedConnections -}}
pods: {{ $pods }}
podsFrom: {{ $from }}
surge: {{ $surge }}
workers: {{ $workers }}
migration: {{ $migration }}
reserved: {{ $reserved }}
total: {{ add (mul (add $pods $surge) $workers) $migration $reserved }}
{{- end -}}

{{/*
The frontend's BACKEND_URL: frontend.backendURL, or the backend pool straight over
FastCGI through its Service (fcgi://<backend Service>:<port>): a page then costs no
second pass through nginx. A new connection per call (no kept connection holds a
backend worker). The NetworkPolicies follow the choice.
*/}}
{{- define "fcgi-users.frontendBackendURL" -}}
{{- if .Values.frontend.backendURL -}}
{{- .Values.frontend.backendURL -}}
{{- else -}}
{{- printf "fcgi://%s:%d" (include "fcgi-users.componentName" (dict "ctx" . "component" "backend")) (int .Values.backend.service.ports.fastcgi) -}}
{{- end -}}
{{- end -}}
