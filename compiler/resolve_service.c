/*
 * resolve_service.c -- the resolve pass for services: role, start, stop
 * and refresh commands, credentials, environment, ports, uses, config and
 * manifest, with the role's defaults (roles.c) applied and the FMRI
 * computed once (fmri.c).
 */
#include <ctype.h>
#include <string.h>

#include "fmri.h"
#include "resolve.h"

/* ---- service */

enum { SV_ROLE, SV_START, SV_STOP, SV_REFRESH, SV_USER, SV_GROUP, SV_PRIVS,
	SV_WORKDIR, SV_ENV, SV_DURATION, SV_TIMEOUT, SV_PORTS, SV_USES,
	SV_CONFIG, SV_MANIFEST, SV_FMRI, SV_DESCRIPTION, SV_ADMIN, SV_REGION };
#define S	struct ir_service
static const struct prop service_props[] = {
	PROP_CUSTOM("role", SV_ROLE, 1, 1, 0),
	PROP_CUSTOM("start", SV_START, 1, 1, 0),
	PROP_CUSTOM("stop", SV_STOP, 1, 1, 0),
	PROP_CUSTOM("refresh", SV_REFRESH, 1, 1, 0),
	PROP_SCALAR_AT("user", SV_USER, PT_STRING, S, user, user_loc),
	PROP_SCALAR_AT("group", SV_GROUP, PT_STRING, S, group, group_loc),
	PROP_SCALAR_AT("privileges", SV_PRIVS, PT_STRING, S, privileges,
	    privileges_loc),
	PROP_CUSTOM("working_directory", SV_WORKDIR, 1, 1, 0),
	PROP_CUSTOM("environment", SV_ENV, 0, 0, P_BLOCK),
	PROP_CUSTOM("duration", SV_DURATION, 1, 1, 0),
	PROP_INT("timeout", SV_TIMEOUT, S, timeout, 0, 86400),
	PROP_CUSTOM("ports", SV_PORTS, 1, 16, 0),
	PROP_CUSTOM("uses", SV_USES, 1, 3, P_REPEAT),
	PROP_CUSTOM("config", SV_CONFIG, 0, 0, P_BLOCK),
	PROP_CUSTOM("manifest", SV_MANIFEST, 1, 1, 0),
	PROP_SCALAR_AT("fmri", SV_FMRI, PT_STRING, S, fmri, fmri_loc),
	PROP_SCALAR_AT("description", SV_DESCRIPTION, PT_STRING, S,
	    description, description_loc),
	PROP_REF("admin", SV_ADMIN, 0, S, admin, K_CREDENTIAL),
	PROP_SCALAR("region", SV_REGION, 0, PT_STRING, S, region, 0),
};

static const char *
get_command(struct model *m, struct ast_value *v, const char *what)
{
	if (v->kind != AV_STRING) {
		type_error(m, v, what, "a quoted command");
		return NULL;
	}
	if (v->s[0] == '\0') {
		diag_error(m->diag, v->loc, "%s is empty; write \":true\" for "
		    "a method with nothing to do", what);
		return NULL;
	}
	return v->s;
}

static void
read_config(struct model *m, struct ir_service *s, struct ast_dir *blk)
{
	struct ast_dir *sec, *o;
	struct hash *seen = hash_new(m->arena);	/* "section\nkey" -> index+1 */

	for (sec = blk->children; sec != NULL; sec = sec->next) {
		if (!sec->has_block || sec->nargs != 0) {
			diag_error(m->diag, sec->loc, "config holds sections: "
			    "%s { option value; }", sec->name);
			continue;
		}
		for (o = sec->children; o != NULL; o = o->next) {
			struct ir_opt *op;
			const char *key;
			size_t i;

			if (o->has_block) {
				diag_error(m->diag, o->loc, "config options "
				    "cannot be blocks");
				continue;
			}
			key = arena_printf(m->arena, "%s\n%s", sec->name,
			    o->name);
			i = (size_t)(uintptr_t)hash_get(seen, key);
			if (i-- > 0) {
				diag_error(m->diag, o->loc, "option [%s] %s set "
				    "twice", sec->name, o->name);
				diag_note(m->diag, s->config[i].loc,
				    "first set here");
				continue;
			}
			op = PUSH(m, s->config, s->nconfig);
			op->section = sec->name;
			op->key = o->name;
			op->loc = o->loc;
			op->section_loc = sec->loc;
			if (get_value(m, o, &op->val, GV_SECRET | GV_LIST) != 0)
				s->nconfig--;
			else
				hash_put(seen, key,
				    (void *)(uintptr_t)s->nconfig);
		}
	}
}


void
read_service(struct model *m, struct decl *dc)
{
	static const char *const durs[] = { "contract", "child", "transient" };
	static const char *const manifests[] = { "generate", "packaged" };
	struct ir_service *s = dc->obj;
	struct ast_dir *d, *manifest = NULL, *config = NULL;
	struct hash *used_once = hash_new(m->arena);	/* name -> ast_dir */
	struct block b;
	size_t i;
	int r;

	s->timeout = IR_UNSET;
	block_init(&b, service_props, NPROPS(service_props),
	    arena_printf(m->arena, "service \"%s\"", s->name), dc->loc);
	for (d = dc->ast->children; d != NULL; d = d->next) {
		struct ast_value *v = d->args;

		switch (block_read(m, &b, d, s)) {
		case SV_ROLE:
			r = get_choice(m, v, "role", TABLE_NAMES(m,
			    role_table, ROLE__COUNT), ROLE__COUNT);
			if (r >= 0) {
				s->role = (enum ir_role)r;
				s->role_loc = v->loc;
			}
			break;
		case SV_START:
			s->start = get_command(m, v, "start");
			s->start_loc = v->loc;
			break;
		case SV_STOP:
			s->stop = get_command(m, v, "stop");
			s->stop_loc = v->loc;
			break;
		case SV_REFRESH:
			s->refresh = get_command(m, v, "refresh");
			s->refresh_loc = v->loc;
			break;
		case SV_WORKDIR:
			s->workdir = get_str(m, v, "working_directory");
			s->workdir_loc = v->loc;
			if (s->workdir != NULL && s->workdir[0] != '/') {
				diag_error(m->diag, v->loc, "working_directory "
				    "must be an absolute path");
				s->workdir = NULL;
			}
			break;
		case SV_ENV:
			s->env = get_kvs(m, d, &s->nenv, 0, "environment");
			for (i = 0; i < s->nenv; i++) {
				if (s->env[i].val.kind != IRV_STRING) {
					s->env[i].val.kind = IRV_STRING;
					s->env[i].val.s = arena_printf(m->arena,
					    "%lld", s->env[i].val.i);
				}
				if (strncmp(s->env[i].key, "SMF_", 4) == 0)
					diag_error(m->diag, s->env[i].loc,
					    "environment variables starting "
					    "with SMF_ are reserved by SMF");
			}
			break;
		case SV_DURATION:
			r = get_choice(m, v, "duration", durs, 3);
			if (r >= 0) {
				s->duration = (enum ir_duration)r;
				s->duration_set = 1;
				s->duration_loc = v->loc;
			}
			break;
		case SV_PORTS: {
			struct ast_value *pv;

			for (pv = v; pv != NULL; pv = pv->next) {
				struct ast_value **it;
				size_t ni, j;
				long long port;

				it = items_of(m, pv, &ni);
				for (j = 0; j < ni; j++)
					if (get_int(m, it[j], "port", 1, 65535,
					    &port) == 0)
						*PUSH(m, s->ports, s->nports) =
						    (int)port;
			}
			break;
		}
		case SV_USES: {
			struct ir_credential *cred;
			struct ir_use *u;
			struct decl *used;

			if (d->nargs == 2 || (d->nargs == 3 &&
			    (v->next->kind != AV_WORD ||
			    strcmp(v->next->s, "via") != 0))) {
				diag_error(m->diag, d->loc, "expected: uses "
				    "SERVICE; or uses SERVICE via CREDENTIAL;");
				break;
			}
			if ((used = model_lookup(m, K_SERVICE, v)) == NULL)
				break;
			cred = NULL;
			if (d->nargs == 3 && (cred = lookup_obj(m,
			    K_CREDENTIAL, v->next->next)) == NULL)
				break;
			if (!hash_put(used_once, used->name, d)) {
				struct ast_dir *first = hash_get(used_once,
				    used->name);

				diag_error(m->diag, v->loc, "service \"%s\" "
				    "uses \"%s\" twice; one use takes at most "
				    "one credential", s->name, used->name);
				diag_note(m->diag, first->loc, "first used here");
				break;
			}
			u = PUSH(m, s->uses, s->nuses);
			u->service = used->obj;
			u->cred = cred;
			u->loc = d->loc;
			u->needed = 1;
			break;
		}
		case SV_CONFIG:
			read_config(m, s, d);
			config = d;
			break;
		case SV_MANIFEST:
			r = get_choice(m, v, "manifest", manifests, 2);
			if (r >= 0) {
				s->packaged = r;
				s->manifest_loc = v->loc;
				manifest = d;
			}
			break;
		}
	}
	block_finish(m, &b);
	if (manifest == NULL)
		s->packaged = role_table[s->role].packaged_fmri != NULL;
	if (config != NULL && role_table[s->role].conf == CONF_NONE)
		diag_error(m->diag, config->loc, "role \"%s\" of service "
		    "\"%s\" reads no configuration file that ztopo writes, so "
		    "config would be written nowhere", role_table[s->role].name,
		    s->name);
	for (i = SV_ADMIN; i <= SV_REGION; i++) {
		struct ast_dir *kd = b.seen[i];

		if (kd != NULL && role_table[s->role].serves != CRED_KEYSTONE)
			diag_error(m->diag, kd->loc, "%s applies to a keystone "
			    "service, and \"%s\" is %s%s service", kd->name,
			    s->name, s->role == ROLE_NONE ? "a custom" : "a ",
			    s->role == ROLE_NONE ? "" :
			    role_table[s->role].name);
	}
	if (s->region == NULL)
		s->region = role_table[s->role].region;
	if (!s->duration_set)
		s->duration = role_table[s->role].duration;
	if (s->role == ROLE_NONE && s->start == NULL && !s->packaged &&
	    !b.seen[SV_ROLE] && !b.seen[SV_START])
		diag_error(m->diag, dc->loc, "service \"%s\" has no role and "
		    "no start command", s->name);
	if (s->nports == 0)
		for (i = 0; i < ROLE_MAX_PORTS && role_table[s->role].ports[i];
		    i++)
			*PUSH(m, s->ports, s->nports) =
			    role_table[s->role].ports[i];
	if (s->user == NULL)
		s->user = role_table[s->role].user;
	if (s->group == NULL)
		s->group = role_table[s->role].group;
	if (s->timeout == IR_UNSET)
		s->timeout = 60;
	s->smf_fmri = fmri_of_service(m->arena, s);
}

