{{/* Names, labels and the pod template every workload shares. */}}

{{- define "lightwatch.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "lightwatch.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* selectorLabels: dict "root" $ "component" "ingest" */}}
{{- define "lightwatch.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "lightwatch.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "lightwatch.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The workloads of the mode: their component names (each the binary's name). */}}
{{- define "lightwatch.components" -}}
{{- if eq .Values.mode "scaleOut" -}}
ingest api realtime
{{- else if eq .Values.mode "singleNode" -}}
lightwatch
{{- else -}}
{{- fail (printf "mode must be scaleOut or singleNode, got %q" .Values.mode) -}}
{{- end -}}
{{- end -}}

{{/* The Service a path goes to: a component's, or the single node's. */}}
{{- define "lightwatch.serviceFor" -}}
{{- if eq .root.Values.mode "singleNode" -}}
{{ include "lightwatch.fullname" .root }}-lightwatch
{{- else -}}
{{ include "lightwatch.fullname" .root }}-{{ .component }}
{{- end -}}
{{- end -}}

{{/* The values block of a component (ingest, api, realtime, or singleNode). */}}
{{- define "lightwatch.componentValues" -}}
{{- if eq .component "lightwatch" -}}
{{- toYaml .root.Values.singleNode -}}
{{- else -}}
{{- toYaml (index .root.Values .component) -}}
{{- end -}}
{{- end -}}

{{/*
The non-secret LIGHTWATCH_* settings of a component, as a YAML map of strings:
the chart's own, the named values, env, then the component's env.
*/}}
{{- define "lightwatch.settings" -}}
{{- $v := .root.Values -}}
{{- $cv := include "lightwatch.componentValues" . | fromYaml -}}
{{- $s := dict "LIGHTWATCH_ADDR" (printf ":%v" $v.port) "LIGHTWATCH_DATA_DIR" "/data" -}}
{{- $_ := set $s "LIGHTWATCH_SHUTDOWN_TIMEOUT" (printf "%vs" (int $v.config.shutdownTimeoutSeconds)) -}}
{{- if $v.mongodb.existingSecret -}}
{{- $_ := set $s "LIGHTWATCH_MONGO_DB" (toString $v.mongodb.database) -}}
{{- end -}}
{{- $named := dict
  "LIGHTWATCH_LOG_LEVEL" $v.config.logLevel
  "LIGHTWATCH_LOG_FORMAT" $v.config.logFormat
  "LIGHTWATCH_RATE_LIMIT" $v.config.rateLimit
  "LIGHTWATCH_RATE_BURST" $v.config.rateBurst
  "LIGHTWATCH_STREAM_MAXLEN" $v.config.streamMaxLen
  "LIGHTWATCH_CORS_ORIGINS" $v.config.corsOrigins
  "LIGHTWATCH_ALERTING" $v.config.alerting
  "LIGHTWATCH_WRITE_TIMEOUT" $v.config.writeTimeout -}}
{{- if eq .component "lightwatch" -}}
{{- $_ := set $named "LIGHTWATCH_RETENTION" $v.singleNode.retention -}}
{{- $_ := set $named "LIGHTWATCH_MAX_DISK" $v.singleNode.maxDisk -}}
{{- end -}}
{{- range $k, $val := $named -}}
{{- if ne (toString $val) "" -}}
{{- $_ := set $s $k (toString $val) -}}
{{- end -}}
{{- end -}}
{{- range $env := list $v.env ($cv.env | default dict) -}}
{{- range $k, $val := $env -}}
{{- if regexMatch (include "lightwatch.secretPattern" .) $k -}}
{{- fail (printf "env.%s: a secret, kept out of ConfigMaps; set it through mongodb.existingSecret, redis.existingSecret, bootstrapKey.existingSecret or secretEnv" $k) -}}
{{- end -}}
{{- if has $k (list "LIGHTWATCH_ADDR" "LIGHTWATCH_SHUTDOWN_TIMEOUT" "LIGHTWATCH_DATA_DIR") -}}
{{- fail (printf "env.%s: the chart sets it from port, config.shutdownTimeoutSeconds and the volume; set those instead" $k) -}}
{{- end -}}
{{- $_ := set $s $k (toString $val) -}}
{{- end -}}
{{- end -}}
{{- toYaml $s -}}
{{- end -}}

{{/* Setting names that hold secrets: they come from Secrets only. */}}
{{- define "lightwatch.secretPattern" -}}
^LIGHTWATCH_(.*(SECRET|PASSWORD|TOKEN).*|.*_KEY|.*_URI|.*_URL)$
{{- end -}}

{{/* The secret settings, as container env entries read from existing Secrets. */}}
{{- define "lightwatch.secretEnv" -}}
{{- $v := .Values -}}
{{- if $v.mongodb.existingSecret }}
- name: LIGHTWATCH_MONGO_URI
  valueFrom:
    secretKeyRef:
      name: {{ $v.mongodb.existingSecret }}
      key: {{ $v.mongodb.uriKey }}
{{- end }}
{{- if $v.redis.existingSecret }}
- name: LIGHTWATCH_REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ $v.redis.existingSecret }}
      key: {{ $v.redis.urlKey }}
{{- end }}
{{- if $v.bootstrapKey.existingSecret }}
- name: LIGHTWATCH_BOOTSTRAP_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $v.bootstrapKey.existingSecret }}
      key: {{ $v.bootstrapKey.key }}
{{- end }}
{{- range $name, $ref := $v.secretEnv }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ required (printf "secretEnv.%s.name: the Secret" $name) $ref.name }}
      key: {{ required (printf "secretEnv.%s.key: the key in the Secret" $name) $ref.key }}
{{- end }}
{{- end -}}

{{/* Scale-out needs shared MongoDB and Redis, and one bootstrap key for all. */}}
{{- define "lightwatch.validate" -}}
{{- if eq .Values.mode "scaleOut" -}}
{{- $_ := required "scaleOut mode: set mongodb.existingSecret (a Secret holding the MongoDB URI)" .Values.mongodb.existingSecret -}}
{{- $_ := required "scaleOut mode: set redis.existingSecret (a Secret holding the Redis URL)" .Values.redis.existingSecret -}}
{{- $_ := required "scaleOut mode: set bootstrapKey.existingSecret (a Secret holding the admin API key)" .Values.bootstrapKey.existingSecret -}}
{{- end -}}
{{- end -}}

{{/* The pod template of a component: dict "root" $ "component" "ingest". */}}
{{- define "lightwatch.podTemplate" -}}
{{- $root := .root -}}
{{- $component := .component -}}
{{- $v := $root.Values -}}
{{- $cv := include "lightwatch.componentValues" . | fromYaml -}}
{{- $name := printf "%s-%s" (include "lightwatch.fullname" $root) .component -}}
metadata:
  labels:
    {{- include "lightwatch.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
    {{- with $v.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    # Settings changed: pods roll.
    checksum/config: {{ include "lightwatch.settings" . | sha256sum }}
    {{- with $v.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "lightwatch.serviceAccountName" $root }}
  automountServiceAccountToken: false
  {{- with $v.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml $v.podSecurityContext | nindent 4 }}
  # Longer than the preStop wait plus LIGHTWATCH_SHUTDOWN_TIMEOUT: in-flight
  # requests finish, queued events are committed and published, WebSockets
  # are closed with 1001 before the kubelet would kill the container.
  terminationGracePeriodSeconds: {{ add $v.preStopSeconds $v.config.shutdownTimeoutSeconds $v.terminationGraceMarginSeconds }}
  {{- if $v.topologySpread.enabled }}
  topologySpreadConstraints:
    {{- range $key := list "topology.kubernetes.io/zone" "kubernetes.io/hostname" }}
    - maxSkew: {{ $v.topologySpread.maxSkew }}
      topologyKey: {{ $key }}
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- include "lightwatch.selectorLabels" (dict "root" $root "component" $component) | nindent 10 }}
    {{- end }}
  {{- end }}
  {{- with $v.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  containers:
    - name: {{ .component }}
      image: "{{ $v.image.repository }}/{{ .component }}:{{ $v.image.tag | default $root.Chart.AppVersion }}"
      imagePullPolicy: {{ $v.image.pullPolicy }}
      ports:
        - name: http
          containerPort: {{ $v.port }}
          protocol: TCP
      envFrom:
        - configMapRef:
            name: {{ $name }}
      {{- $env := include "lightwatch.secretEnv" $root }}
      {{- if or $env $v.extraEnv }}
      env:
        {{- with $env }}{{ . | trim | nindent 8 }}{{ end }}
        {{- with $v.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- end }}
      lifecycle:
        # Endpoints are removed while this waits; only then SIGTERM.
        preStop:
          sleep:
            seconds: {{ $v.preStopSeconds }}
      startupProbe:
        httpGet: {path: /healthz, port: http}
        periodSeconds: {{ $v.probes.startup.periodSeconds }}
        failureThreshold: {{ $v.probes.startup.failureThreshold }}
      # Ready: the store and Redis answer. Not ready: no traffic, no restart.
      readinessProbe:
        httpGet: {path: /readyz, port: http}
        periodSeconds: {{ $v.probes.readiness.periodSeconds }}
        timeoutSeconds: {{ $v.probes.readiness.timeoutSeconds }}
        failureThreshold: {{ $v.probes.readiness.failureThreshold }}
      # Alive: the process serves HTTP (an outage of MongoDB or Redis restarts nothing).
      livenessProbe:
        httpGet: {path: /healthz, port: http}
        periodSeconds: {{ $v.probes.liveness.periodSeconds }}
        timeoutSeconds: {{ $v.probes.liveness.timeoutSeconds }}
        failureThreshold: {{ $v.probes.liveness.failureThreshold }}
      resources:
        {{- toYaml $cv.resources | nindent 8 }}
      securityContext:
        {{- toYaml $v.securityContext | nindent 8 }}
      volumeMounts:
        - name: data
          mountPath: /data
        - name: tmp
          mountPath: /tmp
  volumes:
    {{- if ne .component "lightwatch" }}
    # Scale-out keeps nothing on disk: the data directory is scratch.
    - name: data
      emptyDir: {}
    {{- end }}
    - name: tmp
      emptyDir: {}
{{- end -}}
