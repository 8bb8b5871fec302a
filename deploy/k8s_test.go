package deploy

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/kustomize/api/krusty"
	kusttypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	sigsyaml "sigs.k8s.io/yaml"
)

// kinds are the objects deploy/k8s may hold, by apiVersion and kind, each
// with the Kubernetes API type it decodes into.
var kinds = map[string]func() any{
	"apps/v1 Deployment":                     func() any { return &appsv1.Deployment{} },
	"v1 Service":                             func() any { return &corev1.Service{} },
	"v1 ConfigMap":                           func() any { return &corev1.ConfigMap{} },
	"v1 Secret":                              func() any { return &corev1.Secret{} },
	"v1 ServiceAccount":                      func() any { return &corev1.ServiceAccount{} },
	"v1 Namespace":                           func() any { return &corev1.Namespace{} },
	"autoscaling/v2 HorizontalPodAutoscaler": func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	"policy/v1 PodDisruptionBudget":          func() any { return &policyv1.PodDisruptionBudget{} },
	"kustomize.config.k8s.io/v1beta1 Kustomization": func() any { return &kusttypes.Kustomization{} },
}

// decodeManifest decodes one YAML document strictly into the API type its
// apiVersion and kind select.
func decodeManifest(doc []byte) (any, error) {
	var head struct {
		metav1.TypeMeta
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	if err := sigsyaml.Unmarshal(doc, &head); err != nil {
		return nil, err
	}
	newObj, ok := kinds[head.APIVersion+" "+head.Kind]
	if !ok {
		return nil, fmt.Errorf("apiVersion %q kind %q: not a kind this validator knows (%s)",
			head.APIVersion, head.Kind, strings.Join(slices.Sorted(maps.Keys(kinds)), ", "))
	}
	obj := newObj()
	if err := decodeStrict(doc, obj); err != nil {
		if head.Metadata.Name == "" {
			return nil, fmt.Errorf("%s: %w", head.Kind, err)
		}
		return nil, fmt.Errorf("%s %q: %w", head.Kind, head.Metadata.Name, err)
	}
	return obj, nil
}

// validateK8s decodes every document under k8s/ strictly, checks each
// kustomization's files, renders each with Kustomize and checks what comes
// out.
func validateK8s(fs files, flags commandFlags) error {
	var errs []error
	var roots []string
	kustomizations := map[string]*kusttypes.Kustomization{}
	for _, p := range slices.Sorted(maps.Keys(fs)) {
		if !strings.HasPrefix(p, "k8s/") || !isYAML(p) {
			continue
		}
		docs, err := yamlDocuments(fs[p])
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
			continue
		}
		for _, doc := range docs {
			obj, err := decodeManifest(doc)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", p, err))
				continue
			}
			if k, ok := obj.(*kusttypes.Kustomization); ok {
				roots = append(roots, path.Dir(p))
				kustomizations[path.Dir(p)] = k
				if err := checkKustomization(fs, p, k); err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", p, err))
				}
			}
		}
	}
	if len(roots) == 0 {
		errs = append(errs, errors.New("k8s/: no kustomization.yaml"))
	}
	for _, dir := range roots {
		objs, err := render(fs, dir)
		if err != nil {
			errs = append(errs, fmt.Errorf("kustomize build %s: %w", dir, err))
			continue
		}
		if err := checkObjects(objs, flags); err != nil {
			errs = append(errs, fmt.Errorf("kustomize build %s: %w", dir, err))
		}
		if err := checkImagesApplied(kustomizations[dir], objs); err != nil {
			errs = append(errs, fmt.Errorf("kustomize build %s: %w", dir, err))
		}
	}
	return errors.Join(errs...)
}

// checkKustomization checks that what k names exists, that every YAML file
// beside it is used, and that it uses no deprecated field.
func checkKustomization(fs files, p string, k *kusttypes.Kustomization) error {
	var errs []error
	dir := path.Dir(p)
	if path.Base(p) != "kustomization.yaml" {
		errs = append(errs, errors.New("a Kustomization must be in a file named kustomization.yaml"))
	}
	used := map[string]bool{}
	for _, r := range k.Resources {
		rp := path.Join(dir, r)
		used[rp] = true
		if _, ok := fs[rp]; !ok && !isKustomizationDir(fs, rp) {
			errs = append(errs, fmt.Errorf("resource %s: no such file, nor a directory with a kustomization.yaml", r))
		}
	}
	for i, patch := range k.Patches {
		switch {
		case patch.Path != "":
			pp := path.Join(dir, patch.Path)
			used[pp] = true
			if _, ok := fs[pp]; !ok {
				errs = append(errs, fmt.Errorf("patch %s: no such file", patch.Path))
			}
		case patch.Patch == "":
			errs = append(errs, fmt.Errorf("patches[%d] has neither a path nor a patch", i))
		}
	}
	if len(k.PatchesStrategicMerge) > 0 || len(k.PatchesJson6902) > 0 || len(k.CommonLabels) > 0 || len(k.Bases) > 0 { //nolint:staticcheck // looking for them
		errs = append(errs, errors.New("uses deprecated fields (patchesStrategicMerge, patchesJson6902, commonLabels, bases): use patches, labels, resources"))
	}
	for q := range fs {
		if path.Dir(q) == dir && isYAML(q) && q != p && !used[q] {
			errs = append(errs, fmt.Errorf("%s is neither a resource nor a patch of it", path.Base(q)))
		}
	}
	return errors.Join(errs...)
}

// checkImagesApplied checks that each of k's image settings changed an
// image of the render: one whose name matches nothing (the base renamed
// it, say) is silently ignored by Kustomize.
func checkImagesApplied(k *kusttypes.Kustomization, objs []any) error {
	var images []string
	for _, obj := range objs {
		if d, ok := obj.(*appsv1.Deployment); ok {
			for _, c := range d.Spec.Template.Spec.Containers {
				images = append(images, c.Image)
			}
		}
	}
	var errs []error
	for _, img := range k.Images {
		name := img.Name
		if img.NewName != "" {
			name = img.NewName
		}
		want := name
		if img.NewTag != "" {
			want += ":" + img.NewTag
		}
		if !slices.ContainsFunc(images, func(i string) bool { return i == want || strings.HasPrefix(i, want+"@") }) {
			errs = append(errs, fmt.Errorf("images: %s changes no container's image (they are %v): does its name match the image as the base renders it?", img.Name, slices.Compact(slices.Sorted(slices.Values(images)))))
		}
	}
	return errors.Join(errs...)
}

func isKustomizationDir(fs files, dir string) bool {
	_, ok := fs[path.Join(dir, "kustomization.yaml")]
	return ok
}

// render runs `kustomize build dir` over the files of fs, in memory.
func render(fs files, dir string) ([]any, error) {
	mem := filesys.MakeFsInMemory()
	for p, data := range fs {
		if strings.HasPrefix(p, "k8s/") {
			if err := mem.WriteFile("/"+p, data); err != nil {
				return nil, err
			}
		}
	}
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(mem, "/"+dir)
	if err != nil {
		return nil, err
	}
	out, err := m.AsYaml()
	if err != nil {
		return nil, err
	}
	docs, err := yamlDocuments(out)
	if err != nil {
		return nil, err
	}
	var objs []any
	for _, doc := range docs {
		obj, err := decodeManifest(doc)
		if err != nil {
			return nil, fmt.Errorf("rendered: %w", err)
		}
		objs = append(objs, obj)
	}
	return objs, nil
}

// rendered indexes one render's objects.
type rendered struct {
	deployments     map[string]*appsv1.Deployment
	services        []*corev1.Service
	configMaps      map[string]*corev1.ConfigMap
	secrets         map[string]*corev1.Secret
	serviceAccounts map[string]bool
	namespaces      map[string]bool
	hpas            []*autoscalingv2.HorizontalPodAutoscaler
	pdbs            []*policyv1.PodDisruptionBudget
	namespaced      []metav1.Object
}

// components are the Deployments Compact needs, with the subcommand each runs.
var components = map[string]string{"compact-api": "api", "compact-worker": "worker"}

// provisioned are the Secrets, with their keys, that an operator creates
// out of band (docs/operations.md gives the commands). The manifests hold
// none: a placeholder in them would be deployed as it is.
var provisioned = map[string][]string{
	"compact-db":      {"COMPACT_DB"},
	"compact-session": {"COMPACT_SESSION_KEY"},
	"compact-notify":  {"COMPACT_UNSUBSCRIBE_KEY", "COMPACT_SMTP_ADDR", "COMPACT_SMTP_FROM", "COMPACT_SMTP_USERNAME", "COMPACT_SMTP_PASSWORD"},
}

// requiredEnv are the settings a remote api or worker cannot do without.
var requiredEnv = []string{"COMPACT_TEMPORAL_ADDRESS", "COMPACT_NAMESPACE", "COMPACT_DB", "COMPACT_HTTP_ADDR"}

func checkObjects(objs []any, flags commandFlags) error {
	r := rendered{
		deployments: map[string]*appsv1.Deployment{}, configMaps: map[string]*corev1.ConfigMap{},
		secrets: map[string]*corev1.Secret{}, serviceAccounts: map[string]bool{}, namespaces: map[string]bool{},
	}
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	for name, keys := range provisioned {
		s := &corev1.Secret{StringData: map[string]string{}}
		s.Name = name
		for _, k := range keys {
			s.StringData[k] = "provisioned"
		}
		r.secrets[name] = s
	}
	for _, obj := range objs {
		switch o := obj.(type) {
		case *appsv1.Deployment:
			r.deployments[o.Name] = o
			r.namespaced = append(r.namespaced, o)
		case *corev1.Service:
			r.services = append(r.services, o)
			r.namespaced = append(r.namespaced, o)
		case *corev1.ConfigMap:
			r.configMaps[o.Name] = o
			r.namespaced = append(r.namespaced, o)
		case *corev1.Secret:
			add(fmt.Errorf("Secret %s is in the manifests: a placeholder would be deployed; provision it out of band", o.Name))
		case *corev1.ServiceAccount:
			r.serviceAccounts[o.Name] = true
			r.namespaced = append(r.namespaced, o)
		case *corev1.Namespace:
			r.namespaces[o.Name] = true
		case *autoscalingv2.HorizontalPodAutoscaler:
			r.hpas = append(r.hpas, o)
			r.namespaced = append(r.namespaced, o)
		case *policyv1.PodDisruptionBudget:
			r.pdbs = append(r.pdbs, o)
			r.namespaced = append(r.namespaced, o)
		default:
			return fmt.Errorf("unexpected %T in a render", obj)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(components)) {
		if r.deployments[name] == nil {
			add(fmt.Errorf("no Deployment %s", name))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(r.deployments)) {
		add(r.checkDeployment(r.deployments[name], flags))
	}
	add(r.checkServices())
	add(r.checkHPAs())
	add(r.checkPDBs())
	add(r.checkNamespaces())
	return errors.Join(errs...)
}

func (r *rendered) checkDeployment(d *appsv1.Deployment, flags commandFlags) error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("Deployment %s: "+format, append([]any{d.Name}, args...)...))
	}
	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	switch {
	case err != nil:
		add("selector: %v", err)
	case sel.Empty():
		add("empty selector: it would select every pod")
	case !sel.Matches(labels.Set(d.Spec.Template.Labels)):
		add("selector %s does not match its pod template's labels %v", sel, d.Spec.Template.Labels)
	}
	pod := &d.Spec.Template.Spec
	if sc := pod.SecurityContext; sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
		add("the pod's securityContext must set runAsNonRoot: true")
	} else if sc.RunAsUser != nil && *sc.RunAsUser == 0 {
		add("the pod runs as user 0")
	}
	if pod.ServiceAccountName != "" && !r.serviceAccounts[pod.ServiceAccountName] {
		add("serviceAccountName %s: no such ServiceAccount", pod.ServiceAccountName)
	}
	volumes := map[string]bool{}
	for _, v := range pod.Volumes {
		volumes[v.Name] = true
	}
	if len(pod.Containers) != 1 {
		add("%d containers; want the one compact container", len(pod.Containers))
	}
	for i := range pod.Containers {
		c := &pod.Containers[i]
		for _, err := range r.checkContainer(d, c, volumes, flags) {
			add("container %s: %v", c.Name, err)
		}
	}
	return errors.Join(errs...)
}

func (r *rendered) checkContainer(d *appsv1.Deployment, c *corev1.Container, volumes map[string]bool, flags commandFlags) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	pod := &d.Spec.Template.Spec

	if _, tag, ok := strings.Cut(c.Image[strings.LastIndex(c.Image, "/")+1:], ":"); !ok || tag == "" || tag == "latest" {
		add("image %q: pin a tag (and not latest)", c.Image)
	}
	if len(c.Command) > 0 {
		add("command %v replaces the image's entrypoint /compact: give the subcommand in args", c.Command)
	}
	cmd := ""
	if len(c.Args) > 0 {
		cmd = c.Args[0]
	}
	if want := components[d.Name]; want != "" && cmd != want {
		add("args %v: want the %q subcommand", c.Args, want)
	}

	// The environment, with where each variable's value comes from.
	env := map[string]string{} // name → literal value, "" when not literal
	var names []string
	for _, from := range c.EnvFrom {
		switch {
		case from.ConfigMapRef != nil:
			cm := r.configMaps[from.ConfigMapRef.Name]
			if cm == nil {
				add("envFrom: no ConfigMap %s", from.ConfigMapRef.Name)
				continue
			}
			for k, v := range cm.Data {
				env[from.Prefix+k] = v
				names = append(names, from.Prefix+k)
			}
		case from.SecretRef != nil:
			s := r.secrets[from.SecretRef.Name]
			if s == nil {
				add("envFrom: no Secret %s", from.SecretRef.Name)
				continue
			}
			for k := range secretKeys(s) {
				env[from.Prefix+k] = ""
				names = append(names, from.Prefix+k)
			}
		}
	}
	secretEnv := map[string]bool{}
	for _, e := range c.Env {
		env[e.Name] = e.Value
		if e.Name == "GOMEMLIMIT" {
			// The Go runtime's, not compact's: it must be the memory limit in bytes.
			if f := e.ValueFrom; f == nil || f.ResourceFieldRef == nil || f.ResourceFieldRef.Resource != "limits.memory" ||
				!f.ResourceFieldRef.Divisor.IsZero() && f.ResourceFieldRef.Divisor.Cmp(resource.MustParse("1")) != 0 {
				add("GOMEMLIMIT must come from resourceFieldRef limits.memory, in bytes (no divisor)")
			}
			continue
		}
		names = append(names, e.Name)
		if f := e.ValueFrom; f != nil {
			switch {
			case f.SecretKeyRef != nil:
				s := r.secrets[f.SecretKeyRef.Name]
				if s == nil {
					add("env %s: no Secret %s", e.Name, f.SecretKeyRef.Name)
				} else if !secretKeys(s)[f.SecretKeyRef.Key] {
					add("env %s: Secret %s has no key %s", e.Name, s.Name, f.SecretKeyRef.Key)
				}
				secretEnv[e.Name] = true
			case f.ConfigMapKeyRef != nil:
				cm := r.configMaps[f.ConfigMapKeyRef.Name]
				if cm == nil {
					add("env %s: no ConfigMap %s", e.Name, f.ConfigMapKeyRef.Name)
				} else if v, ok := cm.Data[f.ConfigMapKeyRef.Key]; !ok {
					add("env %s: ConfigMap %s has no key %s", e.Name, cm.Name, f.ConfigMapKeyRef.Key)
				} else {
					env[e.Name] = v
				}
			}
		}
	}
	if cmd != "" {
		if err := checkCompactEnv(flags, cmd, names); err != nil {
			add("%v", err)
		}
	}
	for _, name := range requiredEnv {
		if _, ok := env[name]; !ok {
			add("no %s", name)
		}
	}
	if _, ok := env["COMPACT_DB"]; ok && !secretEnv["COMPACT_DB"] {
		add("COMPACT_DB holds a password: take it from a Secret with secretKeyRef")
	}

	// The HTTP port: where COMPACT_HTTP_ADDR listens, what the probes ask.
	httpPort := 0
	if addr, ok := env["COMPACT_HTTP_ADDR"]; ok {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			add("COMPACT_HTTP_ADDR %q: %v", addr, err)
		} else if host != "" && host != "0.0.0.0" && host != "::" {
			add("COMPACT_HTTP_ADDR %q listens only inside the pod: probes and the Service cannot reach it; use 0.0.0.0", addr)
		} else if httpPort, err = strconv.Atoi(port); err != nil {
			add("COMPACT_HTTP_ADDR %q: port %v", addr, err)
		}
	}
	ports := map[string]int32{}
	for _, p := range c.Ports {
		if p.Name != "" {
			ports[p.Name] = p.ContainerPort
		}
	}
	if httpPort != 0 && !slices.ContainsFunc(c.Ports, func(p corev1.ContainerPort) bool { return int(p.ContainerPort) == httpPort }) {
		add("no container port %d, where COMPACT_HTTP_ADDR listens", httpPort)
	}
	for _, pr := range []struct {
		name  string
		probe *corev1.Probe
		path  string
		need  bool
	}{
		{"readinessProbe", c.ReadinessProbe, "/readyz", true},
		{"livenessProbe", c.LivenessProbe, "/healthz", true},
		{"startupProbe", c.StartupProbe, "/healthz", false},
	} {
		switch {
		case pr.probe == nil:
			if pr.need {
				add("no %s", pr.name)
			}
		case pr.probe.HTTPGet == nil:
			add("%s: want an httpGet of %s", pr.name, pr.path)
		default:
			if pr.probe.HTTPGet.Path != pr.path {
				add("%s path %q, want %s", pr.name, pr.probe.HTTPGet.Path, pr.path)
			}
			port, err := probePort(pr.probe.HTTPGet.Port, ports)
			if err != nil {
				add("%s: %v", pr.name, err)
			} else if httpPort != 0 && port != httpPort {
				add("%s asks port %d, but COMPACT_HTTP_ADDR listens on %d", pr.name, port, httpPort)
			}
		}
	}

	// Prometheus scrapes the admin address, apart from the public one.
	if addr, ok := env["COMPACT_ADMIN_ADDR"]; !ok {
		add("no COMPACT_ADMIN_ADDR: the metrics stay on the pod's loopback, where Prometheus cannot scrape them")
	} else if _, port, err := net.SplitHostPort(addr); err != nil {
		add("COMPACT_ADMIN_ADDR %q: %v", addr, err)
	} else if scrape := d.Spec.Template.Annotations["prometheus.io/port"]; scrape != port {
		add("prometheus.io/port %q, but the metrics are on COMPACT_ADMIN_ADDR's port %s", scrape, port)
	} else if port == strconv.Itoa(httpPort) {
		add("COMPACT_ADMIN_ADDR %q shares the public port", addr)
	}

	if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() {
		add("resources: request cpu and memory (the autoscaler works from the cpu request)")
	}
	if c.Resources.Limits.Memory().IsZero() {
		add("resources: set a memory limit")
	}
	sc := c.SecurityContext
	switch {
	case sc == nil:
		add("no securityContext")
	default:
		if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
			add("securityContext: readOnlyRootFilesystem must be true")
		}
		if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			add("securityContext: allowPrivilegeEscalation must be false")
		}
		if sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") {
			add("securityContext: drop ALL capabilities")
		}
		if sc.RunAsUser != nil && *sc.RunAsUser == 0 {
			add("securityContext: runs as user 0")
		}
	}
	seccomp := sc != nil && sc.SeccompProfile != nil && sc.SeccompProfile.Type == corev1.SeccompProfileTypeRuntimeDefault
	if psc := pod.SecurityContext; psc != nil && psc.SeccompProfile != nil && psc.SeccompProfile.Type == corev1.SeccompProfileTypeRuntimeDefault {
		seccomp = true
	}
	if !seccomp {
		add("no RuntimeDefault seccompProfile (the restricted Pod Security Standard wants one)")
	}
	for _, m := range c.VolumeMounts {
		if !volumes[m.Name] {
			add("volumeMount %s: no such volume", m.Name)
		}
	}
	return errs
}

func secretKeys(s *corev1.Secret) map[string]bool {
	keys := map[string]bool{}
	for k := range s.Data {
		keys[k] = true
	}
	for k := range s.StringData {
		keys[k] = true
	}
	return keys
}

// probePort resolves a probe's port, a number or a container port's name.
func probePort(p intstr.IntOrString, named map[string]int32) (int, error) {
	if p.Type == intstr.Int {
		return p.IntValue(), nil
	}
	n, ok := named[p.StrVal]
	if !ok {
		return 0, fmt.Errorf("port %q: the container has no port of that name", p.StrVal)
	}
	return int(n), nil
}

// selected are the Deployments whose pods sel selects.
func (r *rendered) selected(sel labels.Selector) []*appsv1.Deployment {
	var ds []*appsv1.Deployment
	for _, name := range slices.Sorted(maps.Keys(r.deployments)) {
		if d := r.deployments[name]; sel.Matches(labels.Set(d.Spec.Template.Labels)) {
			ds = append(ds, d)
		}
	}
	return ds
}

func (r *rendered) checkServices() error {
	var errs []error
	api := false
	for _, s := range r.services {
		if len(s.Spec.Selector) == 0 {
			errs = append(errs, fmt.Errorf("Service %s: no selector", s.Name))
			continue
		}
		ds := r.selected(labels.SelectorFromSet(s.Spec.Selector))
		if len(ds) == 0 {
			errs = append(errs, fmt.Errorf("Service %s: selector %v selects no Deployment's pods", s.Name, s.Spec.Selector))
		}
		for _, d := range ds {
			api = api || d.Name == "compact-api"
			c := d.Spec.Template.Spec.Containers
			for _, p := range s.Spec.Ports {
				if !slices.ContainsFunc(c, func(c corev1.Container) bool {
					return slices.ContainsFunc(c.Ports, func(cp corev1.ContainerPort) bool {
						return p.TargetPort.Type == intstr.String && cp.Name == p.TargetPort.StrVal ||
							p.TargetPort.Type == intstr.Int && int(cp.ContainerPort) == p.TargetPort.IntValue()
					})
				}) {
					errs = append(errs, fmt.Errorf("Service %s: targetPort %s is no container port of Deployment %s", s.Name, p.TargetPort.String(), d.Name))
				}
			}
		}
	}
	if !api {
		errs = append(errs, errors.New("no Service selects compact-api's pods"))
	}
	return errors.Join(errs...)
}

// minReplicas is how few pods d runs: its autoscaler's minimum, or its replicas.
func (r *rendered) minReplicas(d *appsv1.Deployment) int32 {
	for _, h := range r.hpas {
		if h.Spec.ScaleTargetRef.Name == d.Name {
			if h.Spec.MinReplicas == nil {
				return 1
			}
			return *h.Spec.MinReplicas
		}
	}
	if d.Spec.Replicas == nil {
		return 1
	}
	return *d.Spec.Replicas
}

func (r *rendered) checkHPAs() error {
	var errs []error
	scaled := map[string]bool{}
	for _, h := range r.hpas {
		add := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("HorizontalPodAutoscaler %s: "+format, append([]any{h.Name}, args...)...))
		}
		ref := h.Spec.ScaleTargetRef
		d := r.deployments[ref.Name]
		if ref.APIVersion != "apps/v1" || ref.Kind != "Deployment" || d == nil {
			add("scaleTargetRef %s %s %s: no such Deployment", ref.APIVersion, ref.Kind, ref.Name)
			continue
		}
		scaled[d.Name] = true
		lo := int32(1)
		if h.Spec.MinReplicas != nil {
			lo = *h.Spec.MinReplicas
		}
		if lo < 1 || lo > h.Spec.MaxReplicas {
			add("minReplicas %d, maxReplicas %d", lo, h.Spec.MaxReplicas)
		}
		if d.Spec.Replicas != nil && (*d.Spec.Replicas < lo || *d.Spec.Replicas > h.Spec.MaxReplicas) {
			add("Deployment %s's replicas %d is outside [%d, %d]: every apply would fight the autoscaler", d.Name, *d.Spec.Replicas, lo, h.Spec.MaxReplicas)
		}
		for _, m := range h.Spec.Metrics {
			if m.Type == autoscalingv2.ResourceMetricSourceType && m.Resource != nil && m.Resource.Name == corev1.ResourceCPU {
				for _, c := range d.Spec.Template.Spec.Containers {
					if c.Resources.Requests.Cpu().IsZero() {
						add("scales on cpu, but container %s requests none", c.Name)
					}
				}
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(components)) {
		if r.deployments[name] != nil && !scaled[name] {
			errs = append(errs, fmt.Errorf("no HorizontalPodAutoscaler for Deployment %s", name))
		}
	}
	return errors.Join(errs...)
}

func (r *rendered) checkPDBs() error {
	var errs []error
	covered := map[string]bool{}
	for _, p := range r.pdbs {
		add := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("PodDisruptionBudget %s: "+format, append([]any{p.Name}, args...)...))
		}
		sel, err := metav1.LabelSelectorAsSelector(p.Spec.Selector)
		if err != nil || sel.Empty() {
			add("selector %v: %v", p.Spec.Selector, err)
			continue
		}
		ds := r.selected(sel)
		if len(ds) != 1 {
			add("selector %s selects %d Deployments' pods, want one", sel, len(ds))
			continue
		}
		d := ds[0]
		covered[d.Name] = true
		if m := p.Spec.MinAvailable; m != nil && m.Type == intstr.Int && int32(m.IntValue()) >= r.minReplicas(d) {
			add("minAvailable %d with %d pods of %s blocks every voluntary eviction (drains, upgrades)", m.IntValue(), r.minReplicas(d), d.Name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(components)) {
		if r.deployments[name] != nil && !covered[name] {
			errs = append(errs, fmt.Errorf("no PodDisruptionBudget for Deployment %s", name))
		}
	}
	return errors.Join(errs...)
}

// checkNamespaces checks that one render puts everything in one namespace,
// and creates it if it names it.
func (r *rendered) checkNamespaces() error {
	ns := map[string]bool{}
	for _, o := range r.namespaced {
		ns[o.GetNamespace()] = true
	}
	if len(ns) > 1 {
		return fmt.Errorf("objects in several namespaces: %v", slices.Sorted(maps.Keys(ns)))
	}
	for n := range ns {
		if n != "" && !r.namespaces[n] {
			return fmt.Errorf("namespace %s: no Namespace object creates it", n)
		}
	}
	return nil
}

func TestKubernetes(t *testing.T) {
	if err := validateK8s(deployFiles(t), compactFlags(t)); err != nil {
		t.Fatal(err)
	}
}

func TestKubernetesRejects(t *testing.T) {
	fs, flags := deployFiles(t), compactFlags(t)
	const (
		base     = "k8s/base/"
		prod     = "k8s/overlays/production/"
		api      = base + "api-deployment.yaml"
		worker   = base + "worker-deployment.yaml"
		selector = "  selector:\n    app.kubernetes.io/name: compact\n    app.kubernetes.io/component: api\n"
	)
	for _, tc := range []struct {
		name, file, old, new, want string
	}{
		{"a misspelt field", api, "readinessProbe:", "readinesProbe:", `unknown field "spec.template.spec.containers[0].readinesProbe"`},
		{"a field in the wrong case", worker, "livenessProbe:", "LivenessProbe:", `unknown field "spec.template.spec.containers[0].LivenessProbe"`},
		{"a string for a number", api, "  replicas: 2\n", "  replicas: \"two\"\n", "replicas"},
		{"a key given twice", api, "  replicas: 2\n", "  replicas: 2\n  replicas: 3\n", `"replicas" already defined`},
		{"a kind that does not exist", base + "api-pdb.yaml", "policy/v1", "policy/v1beta2", `apiVersion "policy/v1beta2"`},
		{"the wrong readiness path", worker, "path: /readyz", "path: /ready", `readinessProbe path "/ready"`},
		{"a probe on a port nobody listens on", api, "              path: /healthz\n              port: http\n            periodSeconds: 10", "              path: /healthz\n              port: 9090\n            periodSeconds: 10", "livenessProbe asks port 9090"},
		{"Prometheus scraping the public port", base + "api-deployment.yaml", `prometheus.io/port: "9090"`, `prometheus.io/port: "8080"`,
			`prometheus.io/port "8080", but the metrics are on COMPACT_ADMIN_ADDR's port 9090`},
		{"an address probes cannot reach", base + "configmap.yaml", "COMPACT_HTTP_ADDR: 0.0.0.0:8080", "COMPACT_HTTP_ADDR: 127.0.0.1:8080", "listens only inside the pod"},
		{"a Service selecting nothing", base + "api-service.yaml", selector, strings.Replace(selector, "component: api", "component: apis", 1), "selects no Deployment's pods"},
		{"a selector that misses its pods", worker, "    matchLabels:\n      app.kubernetes.io/name: compact\n      app.kubernetes.io/component: worker\n  strategy", "    matchLabels:\n      app.kubernetes.io/name: compact\n      app.kubernetes.io/component: workers\n  strategy", "does not match its pod template's labels"},
		{"an autoscaler for a missing Deployment", base + "worker-hpa.yaml", "    kind: Deployment\n    name: compact-worker", "    kind: Deployment\n    name: compact-wroker", "compact-wroker: no such Deployment"},
		{"autoscaler bounds upside down", prod + "api-hpa.yaml", "minReplicas: 3", "minReplicas: 30", "minReplicas 30, maxReplicas 20"},
		{"a budget that blocks drains", base + "api-pdb.yaml", "minAvailable: 1", "minAvailable: 2", "blocks every voluntary eviction"},
		{"an environment variable that is no flag", base + "configmap.yaml", "COMPACT_TEMPORAL_ADDRESS:", "COMPACT_TEMPORAL_ADRESS:", "COMPACT_TEMPORAL_ADRESS is not a flag of `compact api`"},
		{"a placeholder Secret", base + "configmap.yaml", "  COMPACT_LOG_LEVEL: info\n",
			"  COMPACT_LOG_LEVEL: info\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: compact-session\nstringData:\n  COMPACT_SESSION_KEY: CHANGE-ME\n",
			"Secret compact-session is in the manifests"},
		{"a Secret key that is not there", api, "key: COMPACT_DB", "key: COMPACT_DB_URL", "Secret compact-db has no key COMPACT_DB_URL"},
		{"the wrong subcommand", worker, `args: ["worker"]`, `args: ["api"]`, `want the "worker" subcommand`},
		{"GOMEMLIMIT in MiB", api, "resource: limits.memory\n", "resource: limits.memory\n                  divisor: 1Mi\n", "GOMEMLIMIT"},
		{"a writable root filesystem", api, "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false", "readOnlyRootFilesystem must be true"},
		{"an unpinned image", base + "kustomization.yaml", "newTag: dev", "newTag: latest", "pin a tag"},
		{"a misspelt kustomization field", base + "kustomization.yaml", "resources:", "resource:", `unknown field "resource"`},
		{"a file left out", base + "kustomization.yaml", "  - worker-pdb.yaml\n", "", "worker-pdb.yaml is neither a resource nor a patch"},
		{"a missing resource file", base + "kustomization.yaml", "  - worker-pdb.yaml\n", "  - worker-pdb.yml\n", "resource worker-pdb.yml: no such file"},
		{"an image setting that matches nothing", prod + "kustomization.yaml", "  - name: ghcr.io/compact-un/compact\n", "  - name: compact\n", "images: compact changes no container's image"},
		{"a patch for a missing Deployment", prod + "api-deployment.yaml", "name: compact-api", "name: compact-apis", "kustomize build k8s/overlays/production"},
		{"a namespace nobody creates", prod + "kustomization.yaml", "  - namespace.yaml\n", "", "namespace.yaml is neither a resource nor a patch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, validateK8s(mutate(t, fs, tc.file, tc.old, tc.new), flags), tc.want)
		})
	}
}
