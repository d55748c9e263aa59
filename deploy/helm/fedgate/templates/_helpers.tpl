{{- define "fedgate.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "fedgate.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "fedgate.labels" -}}
{{ include "fedgate.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* router.yaml: the values' config with the listeners and the drain the chart owns */}}
{{- define "fedgate.routerYaml" -}}
{{- $config := deepCopy .Values.config -}}
{{- $supergraph := default (dict) (get $config "supergraph") -}}
{{- $_ := set $supergraph "listen" (printf "0.0.0.0:%d" (int .Values.ports.http)) -}}
{{- $_ := set $config "supergraph" $supergraph -}}
{{- $health := dict "enabled" true "listen" (printf "0.0.0.0:%d" (int .Values.ports.health)) "path" "/health" -}}
{{- $_ := set $config "health_check" $health -}}
{{- $fedgate := default (dict) (get $config "fedgate") -}}
{{- $_ := set $fedgate "shutdown_grace_period" (printf "%ds" (int .Values.shutdown.gracePeriodSeconds)) -}}
{{- $_ := set $config "fedgate" $fedgate -}}
{{- toYaml $config -}}
{{- end -}}

{{- define "fedgate.hardening" -}}
securityContext:
  {{- toYaml .Values.securityContext | nindent 2 }}
{{- end -}}
