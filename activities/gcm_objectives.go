package activities

// gcmTitle and gcmObjectives are the title and the 23 objectives of the
// Global Compact for Safe, Orderly and Regular Migration as the annex of
// A/RES/73/195 (19 December 2018) has them, which a simulated draft of
// gcm-2018 takes as its section headings. Sources: the annex's list of
// objectives and its "Objective 1:" heading (A/RES/73/195, pp. 6–7, as
// hosted at adattar.minorityforum.info, entity raaui6nu5a); objective 2
// (ibid., p. 9); objectives 3–8 (IOM, Essentials of Migration Management,
// emm.iom.int/handbooks/gcm); objective 9 (BIICL, "GCM Commentary:
// Objective 9", biicl.org/newsitems/16341); objectives 10 and 11 (UN
// Network on Migration, migrationnetwork.un.org/taxonomy/term/288 and
// /289). The real zero draft of 5 February 2018 had 22 objectives
// (Global Initiative against Transnational Organized Crime,
// globalinitiative.net, "Stopping the smugglers"): a simulated draft uses
// the final 23 throughout, and its paragraphs under them are simulated.
const gcmTitle = "Global Compact for Safe, Orderly and Regular Migration"

var gcmObjectives = [23]string{
	"Collect and utilize accurate and disaggregated data as a basis for evidence-based policies",
	"Minimize the adverse drivers and structural factors that compel people to leave their country of origin",
	"Provide accurate and timely information at all stages of migration",
	"Ensure that all migrants have proof of legal identity and adequate documentation",
	"Enhance availability and flexibility of pathways for regular migration",
	"Facilitate fair and ethical recruitment and safeguard conditions that ensure decent work",
	"Address and reduce vulnerabilities in migration",
	"Save lives and establish coordinated international efforts on missing migrants",
	"Strengthen the transnational response to smuggling of migrants",
	"Prevent, combat and eradicate trafficking in persons in the context of international migration",
	"Manage borders in an integrated, secure and coordinated manner",
	"Strengthen certainty and predictability in migration procedures for appropriate screening, assessment and referral",
	"Use migration detention only as a measure of last resort and work towards alternatives",
	"Enhance consular protection, assistance and cooperation throughout the migration cycle",
	"Provide access to basic services for migrants",
	"Empower migrants and societies to realize full inclusion and social cohesion",
	"Eliminate all forms of discrimination and promote evidence-based public discourse to shape perceptions of migration",
	"Invest in skills development and facilitate mutual recognition of skills, qualifications and competences",
	"Create conditions for migrants and diasporas to fully contribute to sustainable development in all countries",
	"Promote faster, safer and cheaper transfer of remittances and foster financial inclusion of migrants",
	"Cooperate in facilitating safe and dignified return and readmission, as well as sustainable reintegration",
	"Establish mechanisms for the portability of social security entitlements and earned benefits",
	"Strengthen international cooperation and global partnerships for safe, orderly and regular migration",
}
