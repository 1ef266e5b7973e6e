{{/* The fullname: the release name unless fullnameOverride is set. */}}
{{- define "gca.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Helm's chart label: <chart>-<version> with '+' written '_'. */}}
{{- define "gca.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* GCA labels its pods otherwise than GIM and GSP: servicename and release, no
     app.kubernetes.io/instance, as some vendor charts do; gimops finds them by the podSelector its
     configuration gives (servicename=gca,release={release}). */}}
{{- define "gca.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
servicename: {{ .Chart.Name }}
release: {{ .Release.Name }}
{{- end }}

{{- define "gca.labels" -}}
{{ include "gca.selectorLabels" . }}
app: {{ include "gca.fullname" . }}
helm.sh/chart: {{ include "gca.chart" . }}
app.kubernetes.io/version: {{ .Chart.Version | replace "+" "_" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* <repository>:<tag>; the tag from .Values.<release>.image.tag, else .Values.<chart>.image.tag,
     else the chart version with '+' written '.' (a Docker tag has no '+'). */}}
{{- define "gca.image" -}}
{{- $byRelease := index .Values .Release.Name | default dict }}
{{- $byChart := index .Values .Chart.Name | default dict }}
{{- $repository := dig "image" "repository" "" $byRelease | default (dig "image" "repository" "" $byChart) }}
{{- $tag := dig "image" "tag" "" $byRelease | default (dig "image" "tag" "" $byChart) | default (.Chart.Version | replace "+" ".") }}
{{- printf "%s:%s" $repository (toString $tag) }}
{{- end }}
