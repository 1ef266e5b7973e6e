{{/* The fullname: the release name unless fullnameOverride is set. */}}
{{- define "gim.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Helm's chart label: <chart>-<version> with '+' written '_'. */}}
{{- define "gim.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "gim.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "gim.labels" -}}
{{ include "gim.selectorLabels" . }}
app: {{ include "gim.fullname" . }}
helm.sh/chart: {{ include "gim.chart" . }}
app.kubernetes.io/version: {{ .Chart.Version | replace "+" "_" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* <repository>:<tag>; the tag from .Values.<release>.image.tag, else .Values.<chart>.image.tag,
     else the chart version with '+' written '.' (a Docker tag has no '+'). */}}
{{- define "gim.image" -}}
{{- $byRelease := index .Values .Release.Name | default dict }}
{{- $byChart := index .Values .Chart.Name | default dict }}
{{- $repository := dig "image" "repository" "" $byRelease | default (dig "image" "repository" "" $byChart) }}
{{- $tag := dig "image" "tag" "" $byRelease | default (dig "image" "tag" "" $byChart) | default (.Chart.Version | replace "+" ".") }}
{{- printf "%s:%s" $repository (toString $tag) }}
{{- end }}
