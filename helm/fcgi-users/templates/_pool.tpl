{{/*
The Deployment of a FastCGI pool (frontend or backend): the pool master is PID 1 of
its container; Kubernetes stops a pod with a preStop sleep (endpoints drain) and
then the image's STOPSIGNAL, SIGQUIT, the pool's graceful stop: in-flight requests
finish within terminationGracePeriodSeconds. Probes talk FastCGI to the pool itself
through the image's fcgi-probe. Call with
(dict "ctx" $ "component" "backend" "readinessPath" "/api/v1/ready" "env" <yaml> "volumes" <yaml> "volumeMounts" <yaml> "checksums" <dict>).
*/}}
{{- define "fcgi-users.poolDeployment" -}}
{{- $ctx := .ctx -}}
{{- $v := index $ctx.Values .component -}}
{{- $sel := dict "ctx" $ctx "component" .component -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "fcgi-users.componentName" $sel }}
  namespace: {{ $ctx.Release.Namespace | quote }}
  labels:
    {{- include "fcgi-users.componentLabels" $sel | nindent 4 }}
  {{- with (include "fcgi-users.annotations" $ctx) }}
  {{- . | trim | nindent 2 }}
  {{- end }}
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ $v.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    {{- toYaml $v.updateStrategy | nindent 4 }}
  selector:
    matchLabels:
      {{- include "fcgi-users.selectorLabels" $sel | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "fcgi-users.componentLabels" $sel | nindent 8 }}
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        {{- range $name, $sum := .checksums }}
        checksum/{{ $name }}: {{ $sum }}
        {{- end }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "fcgi-users.serviceAccountName" $ctx }}
      automountServiceAccountToken: {{ $ctx.Values.serviceAccount.automountServiceAccountToken }}
      {{- with (include "fcgi-users.imagePullSecrets" (dict "images" (list $v.image) "ctx" $ctx)) }}
      {{- . | trim | nindent 6 }}
      {{- end }}
      {{- with $v.priorityClassName }}
      priorityClassName: {{ . | quote }}
      {{- end }}
      {{- if $v.podSecurityContext.enabled }}
      securityContext:
        {{- include "fcgi-users.securityContext" $v.podSecurityContext | nindent 8 }}
      {{- end }}
      terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds }}
      {{- with (include "fcgi-users.affinity" (dict "ctx" $ctx "component" .component "values" $v)) }}
      affinity:
        {{- . | nindent 8 }}
      {{- end }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.initContainers }}
      initContainers:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ include "fcgi-users.image" (dict "image" $v.image "ctx" $ctx) | quote }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          {{- if $v.containerSecurityContext.enabled }}
          securityContext:
            {{- include "fcgi-users.securityContext" $v.containerSecurityContext | nindent 12 }}
          {{- end }}
          env:
            {{- include "fcgi-users.poolEnv" (dict "component" .component "values" $v) | nindent 12 }}
            {{- if $ctx.Values.metrics.enabled }}
            # The master's own HTTP /metrics and /-/ping: each pod is scraped on its own.
            - name: METRICS_LISTEN
              value: {{ printf "0.0.0.0:%d" (int $ctx.Values.metrics.port) | quote }}
            {{- end }}
            {{- with .env }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with $v.extraEnvVars }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- if or $v.extraEnvVarsCM $v.extraEnvVarsSecret }}
          envFrom:
            {{- with $v.extraEnvVarsCM }}
            - configMapRef:
                name: {{ . }}
            {{- end }}
            {{- with $v.extraEnvVarsSecret }}
            - secretRef:
                name: {{ . }}
            {{- end }}
          {{- end }}
          ports:
            - name: fastcgi
              containerPort: {{ $v.containerPorts.fastcgi }}
              protocol: TCP
            {{- if $ctx.Values.metrics.enabled }}
            - name: metrics
              containerPort: {{ $ctx.Values.metrics.port }}
              protocol: TCP
            {{- end }}
          {{- $port := $v.containerPorts.fastcgi }}
          {{- if $v.startupProbe.enabled }}
          startupProbe:
            {{- include "fcgi-users.probe" (dict "probe" $v.startupProbe "action" (fromYaml (include "fcgi-users.fcgiProbe" (dict "port" $port "path" "/-/ping")))) | nindent 12 }}
          {{- end }}
          {{- if $v.livenessProbe.enabled }}
          livenessProbe:
            {{- include "fcgi-users.probe" (dict "probe" $v.livenessProbe "action" (fromYaml (include "fcgi-users.fcgiProbe" (dict "port" $port "path" "/-/ping")))) | nindent 12 }}
          {{- end }}
          {{- if $v.readinessProbe.enabled }}
          readinessProbe:
            {{- include "fcgi-users.probe" (dict "probe" $v.readinessProbe "action" (fromYaml (include "fcgi-users.fcgiProbe" (dict "port" $port "path" .readinessPath)))) | nindent 12 }}
          {{- end }}
          {{- if $v.preStopSleepSeconds }}
          lifecycle:
            preStop:
              exec:
                command: ["/bin/sleep", {{ $v.preStopSleepSeconds | quote }}]
          {{- end }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- with .volumeMounts }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with $v.extraVolumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
        {{- with $v.sidecars }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            medium: Memory
            sizeLimit: 16Mi
        {{- with .volumes }}
        {{- . | nindent 8 }}
        {{- end }}
        {{- with $v.extraVolumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
{{- end -}}
