{{- define "gimops.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "gimops.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "gimops.labels" -}}
{{ include "gimops.selectorLabels" . }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "gimops.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "gimops.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
The namespaces the configuration's environments manage, one per line, sorted, without the
release's own: for each service, environments[].services.<gim|gsp|gca>.namespace, else the
environment's sharedNamespace, else the service's name (as bot/wiring EnvironmentModels decides).
*/}}
{{- define "gimops.managedNamespaces" -}}
{{- $out := list -}}
{{- range $env := .Values.config.environments -}}
{{- range $svc := list "gim" "gsp" "gca" -}}
{{- $ns := $svc -}}
{{- if $env.sharedNamespace }}{{ $ns = $env.sharedNamespace }}{{ end -}}
{{- $services := default dict $env.services -}}
{{- $sc := default dict (get $services $svc) -}}
{{- if $sc.namespace }}{{ $ns = $sc.namespace }}{{ end -}}
{{- $out = append $out $ns -}}
{{- end -}}
{{- end -}}
{{- $out | uniq | sortAlpha | join "\n" -}}
{{- end -}}

{{/* Where a secret's files are mounted. */}}
{{- define "gimops.secretsDir" -}}/etc/gimops/secrets{{- end -}}

{{/*
The bot's configuration: the values' config, with the release's namespace, the management port
and the agreed *File keys for each secret key the values name.
*/}}
{{- define "gimops.config" -}}
{{- $c := deepCopy .Values.config -}}
{{- $dir := include "gimops.secretsDir" . -}}
{{- $_ := set $c "namespace" .Release.Namespace -}}
{{- $_ := set $c "management" (dict "host" "0.0.0.0" "port" (int .Values.management.port)) -}}
{{- $s := .Values.secrets -}}
{{- if $s.slack.existingSecret -}}
{{- $slack := default dict $c.slack -}}
{{- if $s.slack.botTokenKey }}{{ $_ := set $slack "botTokenFile" (printf "%s/slack/%s" $dir $s.slack.botTokenKey) }}{{ end -}}
{{- if $s.slack.signingSecretKey }}{{ $_ := set $slack "signingSecretFile" (printf "%s/slack/%s" $dir $s.slack.signingSecretKey) }}{{ end -}}
{{- if $s.slack.appTokenKey }}{{ $_ := set $slack "appTokenFile" (printf "%s/slack/%s" $dir $s.slack.appTokenKey) }}{{ end -}}
{{- if .Values.slackHttp.enabled }}{{ $_ := set $slack "httpPort" (int .Values.slackHttp.port) }}{{ end -}}
{{- $_ := set $c "slack" $slack -}}
{{- end -}}
{{- if $s.alerts.existingSecret -}}
{{- $alerts := default dict $c.alerts -}}
{{- if $s.alerts.bearerTokenKey }}{{ $_ := set $alerts "bearerTokenFile" (printf "%s/alerts/%s" $dir $s.alerts.bearerTokenKey) }}{{ end -}}
{{- if $s.alerts.basicPasswordKey }}{{ $_ := set $alerts "basicPasswordFile" (printf "%s/alerts/%s" $dir $s.alerts.basicPasswordKey) }}{{ end -}}
{{- $_ := set $c "alerts" $alerts -}}
{{- end -}}
{{- if $s.postgres.existingSecret -}}
{{- $envs := list -}}
{{- range $e := $c.environments -}}
{{- $key := get $s.postgres.keys $e.name -}}
{{- if and $key $e.postgres -}}
{{- $_ := set $e.postgres "passwordFile" (printf "%s/postgres/%s" $dir $key) -}}
{{- end -}}
{{- $envs = append $envs $e -}}
{{- end -}}
{{- $_ := set $c "environments" $envs -}}
{{- end -}}
{{- toYaml $c -}}
{{- end -}}
